"""Figure drift: words beside a figure, alignment to claims on hand-made corpora with known
answers, changes, unaligned figures, and the same bytes on a two-worker Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import FIRST_STORY, REPO, run_cli

from crimefigures.analysis import drift
from crimefigures.pipeline import atomic, registry
from crimefigures.text import corpus

# A made-up story: a release, two wires and a republisher; nothing here is a shipped story.
CLAIMS = pd.DataFrame([
    {"claim_id": "K1", "quote": "as many as 50,000 workers may be held in camps in Ruritania",
     "bound": "upper", "low": float("nan"), "high": 50000.0, "point": float("nan"),
     "unit": "count", "noun": "workers", "hedge": "as many as", "attributed_to": "Agency"},
    {"claim_id": "K2", "quote": "raids seized $20 million in 12 countries since 2019",
     "bound": "exact", "low": 2e7, "high": 2e7, "point": 2e7, "unit": "USD", "noun": None,
     "hedge": None, "attributed_to": "Bureau"},
])
COMPARISON = pd.DataFrame([
    {"claim_id": "K1", "article_low": 25000.0, "article_high": 50000.0,
     "source_figure_text": "at least 50,000 workers", "source_low": 50000.0,
     "source_high": 75000.0, "source_publisher": "Agency for Labour", "source_id": "agency"},
    {"claim_id": "K2", "article_low": 2e7, "article_high": 2e7,
     "source_figure_text": "USD 20 million", "source_low": 2e7, "source_high": 2e7,
     "source_publisher": "Bureau", "source_id": "bureau"},
])
QUOTES = pd.DataFrame([
    {"claim_id": "K1", "source_quote": "at least 50,000 workers across Ruritania may be held in "
                                       "camps, the Agency said."},
    {"claim_id": "K2", "source_quote": "A transnational operation seized USD 20 million across "
                                       "12 countries."},
])
TEXTS = pd.DataFrame([
    {"url": "u/release", "outlet": "Agency", "published": "2023-01-10", "language": "en",
     "credited_to": "Agency", "retrieved": "2026-01-01", "role": "primary",
     "text": "At least 50,000 workers across Ruritania may be held in camps, the Agency said."},
    {"url": "u/wire", "outlet": "Wire", "published": "2023-01-10T09:00+00:00", "language": "en",
     "credited_to": "Wire", "retrieved": "2026-01-01", "role": "wire",
     "text": "At least 50,000 workers may be held in camps in Ruritania, the Agency said. "
             "Police seized $20 million in 12 countries, the Bureau said."},
    {"url": "u/blog", "outlet": "Blog", "published": "2023-03-01", "language": "en",
     "credited_to": "", "retrieved": "2026-01-01", "role": "report",
     "text": "Up to 50,000 workers may be held in camps in Ruritania. Operations in Borduria "
             "seized $20 million in 12 countries since 2019. A further 7,000 ships sailed."},
    {"url": "u/copy", "outlet": "Copy", "published": "", "language": "en",
     "credited_to": "", "retrieved": "2026-01-01", "role": "report",
     "text": "Up to 50,000 workers are held in Ruritania, Blog reported."},
])


@pytest.fixture
def found() -> pd.DataFrame:
    return pd.concat([corpus.partition_figures(TEXTS)], ignore_index=True)


def _drift(found: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return drift.figure_drift(found, TEXTS, CLAIMS, COMPARISON, QUOTES)


def test_words_beside_a_figure():
    sentence = ("Interpol says its operations in Asia have led to nearly 3,500 arrests across "
                "34 countries since 2021, during July-December 2023, worldwide.")
    assert corpus.scope_words(sentence) == "Asia; 34 countries; worldwide"
    assert corpus.date_words(sentence) == "since 2021; july-december 2023"
    assert corpus.attribution(sentence) == "Interpol"
    assert corpus.attribution("It costs $5, according to the World Bank.") == "World Bank"
    assert corpus.scope_words("It costs US$5 according to the World Bank.") == ""


def test_similarity_is_token_jaccard():
    assert drift.similarity("workers held in camps", "camps held workers") == 1.0
    assert drift.similarity("workers held", "ships sailed") == 0.0
    assert drift.similarity("workers held camps", "workers sailed ships") == 0.2


def test_publication_order_puts_primary_first_in_its_day_and_undated_last(found):
    order = drift.publication_order(found)
    assert order == {"u/release": 1, "u/wire": 2, "u/blog": 3, "u/copy": 4}


def test_every_figure_aligns_to_its_claim_or_is_listed(found):
    table, unaligned = _drift(found)
    carried = table.groupby("claim_id")["url"].apply(list).to_dict()
    assert carried == {"K1": ["u/release", "u/wire", "u/blog", "u/copy"],
                       "K2": ["u/wire", "u/blog"]}
    assert unaligned["text"].tolist() == ["12 countries", "12 countries", "7,000 ships"]
    assert set(unaligned["reason"]) == {"no claim has its unit, noun and value"}
    assert len(table) + len(unaligned) == len(found)


def test_changes_against_the_source_and_the_earliest_retelling(found):
    table, _ = _drift(found)
    rows = table.set_index(["claim_id", "url"])
    blog = rows.loc[("K1", "u/blog")]
    assert blog["hedge_vs_source"] == (
        "at least 50,000 workers → Up to 50,000 workers (floor -> ceiling)")
    assert blog["changes_vs_source"] == "hedge"
    assert blog["changes_vs_earliest"] == "hedge"  # the wire wrote "at least", as the source
    assert rows.loc[("K1", "u/wire"), "changes_vs_source"] == ""
    assert rows.loc[("K1", "u/wire"), "earliest_url"] == "u/wire"
    raid = rows.loc[("K2", "u/blog")]
    assert raid["scope_vs_source"] == "12 countries → Borduria; 12 countries"
    assert raid["date_vs_source"] == "(none) → since 2019"
    assert raid["changes_vs_source"] == "scope; date"
    assert rows.loc[("K2", "u/wire"), "changes_vs_source"] == ""


def test_attribution_changes_when_no_name_is_shared():
    assert drift.attribution_change("Blog", "Agency for Labour; Agency") == "Agency for Labour; " \
                                                                           "Agency → Blog"
    assert drift.attribution_change("the UN", "United Nations") == ""  # initials
    assert drift.attribution_change("", "Agency") == ""


def test_a_speaker_for_a_body_is_found_in_the_forms_retellings_write():
    said = {
        "the Agency's chief Jane Roe said": ("roe", "Agency"),
        "according to Agency secretary-general Jane Roe": ("roe", "Agency"),
        "AGENCY Secretary General Jäne Röe said": ("roe", "AGENCY"),
        "Jane Roe, spokesperson of the Agency of Labour, said": ("roe", "Agency of Labour"),
        "Jane Roe, the Agency’s director, said": ("roe", "Agency"),
        "UN labour rights chief Jane Roe said": ("roe", "UN"),
    }
    for text, pair in said.items():
        assert corpus.affiliations(text) == {pair}, text
    # a day is not a speaker, and a post without a name names no one
    assert corpus.affiliations("On Wednesday, the director of the Agency said") == set()
    assert corpus.affiliations("the head of the Agency said") == set()


def test_a_speaker_for_the_same_body_is_not_an_attribution_change():
    bodies = drift.speakers(corpus.affiliations("said the Agency's spokesperson Jane Roe"))
    assert bodies == {"roe": frozenset({"Agency"})}
    assert drift.attribution_change("Agency", "Bureau; Jane Roe", bodies) == ""
    assert drift.attribution_change("Roe", "Agency for Labour", bodies) == ""
    assert drift.attribution_change("Mr Roe", "Agency", bodies) == ""
    assert drift.attribution_change("Bureau", "Jane Roe", bodies) == "Jane Roe → Bureau"
    # without the corpus saying whom Roe speaks for, a person is not the body
    assert drift.attribution_change("Agency", "Jane Roe") == "Jane Roe → Agency"


def test_the_drift_table_learns_whom_a_speaker_speaks_for_from_the_corpus():
    texts = TEXTS.copy()
    texts.loc[1, "text"] = ("At least 50,000 workers may be held in camps in Ruritania, the "
                            "Agency's spokesperson Jane Roe said.")
    texts.loc[3, "text"] = "At least 50,000 workers are held in Ruritania, Roe said."
    table, _ = drift.figure_drift(corpus.partition_figures(texts), texts, CLAIMS, COMPARISON,
                                  QUOTES)
    rows = table[table["claim_id"] == "K1"].set_index("url")
    assert rows.loc["u/copy", "attribution"] == "Roe"
    assert rows.loc["u/copy", "attribution_vs_source"] == ""
    assert rows.loc["u/wire", "attribution_vs_source"] == ""
    assert rows.loc["u/copy", "attribution_vs_earliest"] == ""
    alone = texts.drop(index=1)  # no text says whom Roe speaks for
    table, _ = drift.figure_drift(corpus.partition_figures(alone), alone, CLAIMS, COMPARISON,
                                  QUOTES)
    copy = table[table["claim_id"] == "K1"].set_index("url").loc["u/copy"]
    assert copy["attribution_vs_source"] == "Agency for Labour; Agency → Roe"


def test_departures_say_where_a_change_entered_and_where_the_evidence_cannot_tell(found):
    table, _ = _drift(found)
    entries = drift.departures(table).set_index(["claim_id", "change"])
    hedge = entries.loc[("K1", "hedge")]
    assert hedge["first_outlet"] == "Blog"
    assert hedge["before_outlet"] == "Wire"
    assert hedge["undated"] == "Copy"
    text = drift.departures_markdown(drift.departures(table), len(TEXTS))
    assert "first in Blog (2023-03-01, text 3), after Wire" in text
    assert "undated retellings carry it too (Copy), so it may have entered earlier" in text


def test_one_claim_per_text_the_closer_figure_keeps_it():
    both = TEXTS.iloc[[1]].assign(
        text="At least 50,000 workers and 45,000 workers may be held in camps in Ruritania.")
    found = corpus.partition_figures(both)
    table, unaligned = drift.figure_drift(found, both, CLAIMS, COMPARISON, QUOTES)
    assert table["text"].tolist() == ["At least 50,000 workers"]
    assert unaligned["reason"].tolist() == [
        "each claim it could be is carried by a closer figure in this text"]


def test_extract_corpus_streams_partitions_in_order(tmp_path: Path):
    source = tmp_path / "corpus.csv"
    TEXTS.to_csv(source, index=False)
    whole, pieces = tmp_path / "whole.csv", tmp_path / "pieces.csv"
    assert corpus.extract_corpus(source, whole, rows_per_partition=100) == 9
    assert corpus.extract_corpus(source, pieces, rows_per_partition=1) == 9
    assert whole.read_bytes() == pieces.read_bytes()
    assert corpus.read_figures(whole)["url"].tolist()[0] == "u/release"


def test_parquet_partitions_give_the_same_figures(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(2):
        TEXTS.iloc[number * 2:(number + 1) * 2].to_parquet(folder / f"part.{number}.parquet")
    csv_file = tmp_path / "corpus.csv"
    TEXTS.to_csv(csv_file, index=False)
    assert corpus.extract_corpus(folder, tmp_path / "a.csv") == 9
    corpus.extract_corpus(csv_file, tmp_path / "b.csv", rows_per_partition=2)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_the_streamed_drift_is_the_drift_of_the_corpus_in_memory(tmp_path: Path, found):
    """Aligned one partition at a time (a text a partition), the drift table and the unaligned
    file are those of the whole corpus at once, and the counts read back agree."""

    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(len(TEXTS)):
        TEXTS.iloc[[number]].to_parquet(folder / f"part.{number}.parquet")
    table, unaligned = _drift(found)
    atomic.write_csv(tmp_path / "whole.csv", unaligned)
    streamed = drift.stream_drift(str(folder), CLAIMS, COMPARISON, QUOTES,
                                  str(tmp_path / "streamed.csv"))
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert atomic.csv_bytes(streamed.table) == atomic.csv_bytes(table)
    assert (streamed.texts, streamed.outlets) == (4, 4)
    assert streamed.unaligned["figures"].to_dict() == {"no claim has its unit, noun and value": 3}
    registry.write("drift", table, path=str(tmp_path / "drift.csv"))
    back = drift.read_streamed(registry.read("drift", path=str(tmp_path / "drift.csv")),
                               str(tmp_path / "streamed.csv"), str(folder))
    assert atomic.csv_bytes(back.table) == atomic.csv_bytes(table)
    assert (back.texts, back.outlets) == (4, 4)
    assert back.unaligned.equals(streamed.unaligned)


def test_a_corpus_without_a_text_column_is_refused(tmp_path: Path):
    from crimefigures.errors import InputError

    bad = tmp_path / "bad.csv"
    TEXTS.drop(columns="text").to_csv(bad, index=False)
    with pytest.raises(InputError, match="'text'"):
        corpus.read_corpus(bad)


@pytest.mark.e2e
def test_a_two_worker_local_cluster_writes_the_same_bytes(tmp_path: Path):
    """A distributed.LocalCluster with two worker processes, started here, gives the output
    of the local scheduler byte for byte, through the CLI's --scheduler (the CLI run times out
    after 240 s, so a hung cluster fails the test rather than the suite)."""
    from distributed import LocalCluster

    source = REPO / "data" / "curated" / FIRST_STORY / "retellings.csv"
    local = tmp_path / "local.csv"
    assert corpus.extract_corpus(source, local, rows_per_partition=4) > 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster:
        on_cluster = tmp_path / "cluster.csv"
        result = run_cli("corpus", "extract", str(source), str(on_cluster), "--scheduler",
                         cluster.scheduler_address, "--rows-per-partition", "4", timeout=240)
        assert result.returncode == 0, result.stderr
        assert len(cluster.scheduler_info["workers"]) == 2
    assert on_cluster.read_bytes() == local.read_bytes()


def test_the_chart_labels_each_claims_first_dated_departure(found):
    from crimefigures.presentation.charts import drift as drift_chart

    table, _ = _drift(found)
    drawn = drift_chart.drift_chart_table(table)
    labels = drawn.loc[drawn["label"] != "", ["claim_id", "label"]].values.tolist()
    assert labels == [["K1", "Up to 50,000 workers (Blog)"],
                      ["K2", "$20 million · Borduria · since 2019 (Blog)"]]
    assert drawn.set_index(["claim_id", "outlet"]).loc[("K1", "Copy"), "change"] == "hedge"
    assert drift_chart.first_change("scope; date") == "scope"
    assert drift_chart.first_change("") == "none"
