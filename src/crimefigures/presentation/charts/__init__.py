"""The project's charts, drawn in the house style (crimefigures.presentation.style).

Each publication chart is built in two steps: a ``*_table`` function turns the
processed tables into exactly the numbers the chart draws (published beside it as a
CSV), and the chart function draws only from that table and returns a :class:`Chart`
holding the figure, the table, a title that states the finding, a caption and alt
text, all computed from the data and worded through the message catalogue, in
English or Indonesian. :mod:`crimefigures.presentation.publish` saves them with their provenance.

Nothing here names a story: which ratios and claims each figure kind draws comes from
the story's ``analysis.yml`` (``figures:``, ``headlines``, ``yardsticks``) or, where a
choice is absent, from the data (see each kind's ``*_ratios``/``*_choice`` function);
country names come from the reference table (Indonesian from CLDR), publishers from
sources.csv and attributions from the claims. A kind the story has no data for raises
:class:`NoData`, which :class:`crimefigures.presentation.publish.Publication` records as skipped.

One module per figure kind (money, yardsticks, distributions, small_large, per_capita,
tornado, scoreboard), the helpers they share in :mod:`crimefigures.presentation.charts.common`, and
notebook 02's overview chart in :mod:`crimefigures.presentation.charts.overview`; everything is
imported here, so ``charts.money_claims`` and ``charts.NoData`` work as before.
"""

from __future__ import annotations

from crimefigures.errors import ParameterError
from crimefigures.presentation.charts.common import (
    ARROW_POINTS,
    DEFAULT_HEDGE,
    FRACTION,
    HEDGE_SYMBOLS,
    HISTOGRAM_BINS,
    RANGE_OPENERS,
    SMALL_PER_UNIT,
    TABLE_NAMES,
    TEXT_PT,
    WAFFLE_SIDE,
    WORLD,
    Chart,
    NoData,
    Tables,
    area_name,
    article_source_id,
    chart_caption,
    chart_title,
    check_row,
    claim_row,
    draw_written,
    figure_phrase,
    footer,
    headline_shares,
    hedge_key,
    hedged_text,
    load_tables,
    lower_first,
    measure_label,
    noun_text,
    number_range,
    parser_hedges,
    per_capita_text,
    publishers,
    ratio_label,
    ratio_row,
    reference_source_id,
    source_figure,
    story_label,
    tornado_choice,
    written_ends,
)
from crimefigures.presentation.charts.distributions import (
    distribution_ratios,
    ratio_distributions,
    ratio_distributions_table,
    redraw_ratios,
)
from crimefigures.presentation.charts.money import (
    money_claims,
    money_claims_table,
    numbers_match,
)
from crimefigures.presentation.charts.overview import ratio_intervals
from crimefigures.presentation.charts.per_capita import (
    per_capita_ratios,
    victims_per_1000,
    victims_table,
)
from crimefigures.presentation.charts.scoreboard import (
    fact_check_scoreboard,
    scoreboard_table,
)
from crimefigures.presentation.charts.small_large import (
    enforcement_table,
    enforcement_vs_scale,
    small_large_choice,
    unit_for,
)
from crimefigures.presentation.charts.tornado import (
    sensitivity_tornado,
    setting_label,
    tornado_table,
)
from crimefigures.presentation.charts.yardsticks import (
    flows_vs_gdp,
    flows_vs_gdp_table,
    headline_gdp_shares,
    latest_world_bank_year,
    yardstick_amounts,
    yardstick_areas,
    yardstick_ratios,
)
from crimefigures.presentation.wording import (
    items_text,
    join_words,
    money_digits,
    money_range,
    money_text,
    number_digits,
    percent_digits,
    percent_range,
    percent_text,
    value_range,
    value_text,
    vintage_label,
)

FIGURE_NAMES = ("fig1_money_claims", "fig2_flows_vs_gdp", "fig3_ratio_distributions",
                "fig4_enforcement_vs_scale", "fig5_victims_per_1000",
                "fig6_sensitivity_tornado", "fig7_fact_check_scoreboard")


# What each figure kind shows, for the notebook and the manifest's skip notes.
FIGURE_KINDS = {
    "fig1_money_claims": "money figures against their sources",
    "fig2_flows_vs_gdp": "amounts against yardsticks",
    "fig3_ratio_distributions": "Monte Carlo distributions of the headline ratios",
    "fig4_enforcement_vs_scale": "a small amount against a large one",
    "fig5_victims_per_1000": "per-capita rates",
    "fig6_sensitivity_tornado": "the sensitivity tornado",
    "fig7_fact_check_scoreboard": "the fact-check scoreboard",
}


def draw_chart(name: str, tables: Tables, *, language: str, draws: int | None = None) -> Chart:
    """One publication chart by name (see FIGURE_NAMES); raises NoData for a kind the story
    has no data for."""
    if name == "fig3_ratio_distributions":
        return ratio_distributions(tables, language=language, draws=draws)
    builders = {
        "fig1_money_claims": money_claims, "fig2_flows_vs_gdp": flows_vs_gdp,
        "fig4_enforcement_vs_scale": enforcement_vs_scale,
        "fig5_victims_per_1000": victims_per_1000,
        "fig6_sensitivity_tornado": sensitivity_tornado,
        "fig7_fact_check_scoreboard": fact_check_scoreboard,
    }  # fmt: skip
    if name not in builders:
        raise ParameterError(f"unknown figure {name!r}; choose one of: "
                             f"{', '.join(FIGURE_NAMES)}", field="name")
    return builders[name](tables, language=language)


__all__ = [
    "ARROW_POINTS",
    "Chart",
    "DEFAULT_HEDGE",
    "FIGURE_KINDS",
    "FIGURE_NAMES",
    "FRACTION",
    "HEDGE_SYMBOLS",
    "HISTOGRAM_BINS",
    "NoData",
    "RANGE_OPENERS",
    "SMALL_PER_UNIT",
    "TABLE_NAMES",
    "TEXT_PT",
    "Tables",
    "WAFFLE_SIDE",
    "WORLD",
    "area_name",
    "article_source_id",
    "chart_caption",
    "chart_title",
    "check_row",
    "claim_row",
    "distribution_ratios",
    "draw_chart",
    "draw_written",
    "enforcement_table",
    "enforcement_vs_scale",
    "fact_check_scoreboard",
    "figure_phrase",
    "flows_vs_gdp",
    "flows_vs_gdp_table",
    "footer",
    "headline_gdp_shares",
    "headline_shares",
    "hedge_key",
    "hedged_text",
    "items_text",
    "join_words",
    "latest_world_bank_year",
    "load_tables",
    "lower_first",
    "measure_label",
    "money_claims",
    "money_claims_table",
    "money_digits",
    "money_range",
    "money_text",
    "noun_text",
    "number_digits",
    "number_range",
    "numbers_match",
    "parser_hedges",
    "per_capita_ratios",
    "per_capita_text",
    "percent_digits",
    "percent_range",
    "percent_text",
    "publishers",
    "ratio_distributions",
    "ratio_distributions_table",
    "ratio_intervals",
    "ratio_label",
    "ratio_row",
    "redraw_ratios",
    "reference_source_id",
    "scoreboard_table",
    "sensitivity_tornado",
    "setting_label",
    "small_large_choice",
    "source_figure",
    "story_label",
    "tornado_choice",
    "tornado_table",
    "unit_for",
    "value_range",
    "value_text",
    "victims_per_1000",
    "victims_table",
    "vintage_label",
    "written_ends",
    "yardstick_amounts",
    "yardstick_areas",
    "yardstick_ratios",
]
