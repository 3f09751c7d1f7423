"""``python -m crimefigures COMMAND``: the runner and the text tools.

Exit codes: 0 success; 1 a notebook failed or an input file is bad; 2 a
parameter or usage error, reported before any kernel starts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from crimefigures.errors import CrimefiguresError, ParameterError


def _key_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one 'error:' line and exit code 2, like every other error."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {message} (see python -m crimefigures {self.prog.split()[-1]} "
                     "--help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m crimefigures", description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True,
                                     parser_class=OneLineParser)

    run = commands.add_parser("run", help="run the notebooks through papermill")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                     help="pipeline step names or notebook paths (default: all)")
    run.add_argument("-p", dest="parameters", action="append", type=_key_value, default=[],
                     metavar="NAME=VALUE", help="set a parameter (typed as the notebook declares)")
    run.add_argument("-f", dest="parameter_file", metavar="PARAMS.yml",
                     help="YAML mapping of parameter names to values")
    run.add_argument("--force", action="store_true", help="run even unchanged notebooks")
    run.add_argument("--dry-run", action="store_true", help="show what would run, run nothing")
    run.add_argument("--list-params", metavar="NOTEBOOK",
                     help="print a notebook's parameters with types and defaults")
    run.add_argument("--jobs", type=int, default=2, help="notebooks run side by side (default 2)")
    run.add_argument("--story", dest="stories", action="append", default=[], metavar="SLUG",
                     help="run this story (repeatable; default: every story in data/raw)")
    run.add_argument("--language", choices=("en", "id"),
                     help="run only this language's figure steps (and the steps they need)")

    parse = commands.add_parser("parse", help="parse one figure phrase to JSON")
    parse.add_argument("phrase", nargs="?", help="e.g. 'up to $5 billion'")
    parse.add_argument("--batch", action="store_true", help="one phrase per line on stdin")

    extract = commands.add_parser("extract", help="every figure in a text, one JSON per line")
    extract.add_argument("file", help="a text file, or - for stdin")

    draft = commands.add_parser("draft-ledger", help="draft claims and ignored-numbers ledgers")
    draft.add_argument("article", help="the article text file")
    draft.add_argument("--out", default=".", help="directory for the two draft CSVs")

    new = commands.add_parser("new-story", help="make a story from a text file or saved page")
    new.add_argument("slug", help="the story's folder name, e.g. lagos-fraud-2025")
    new.add_argument("--article", required=True, help="a text file or a saved HTML page")
    for option in ("outlet", "title", "url", "date", "credited-to", "language"):
        new.add_argument(f"--{option}", default="", help=f"the article's {option}")

    check = commands.add_parser("check-story", help="validate every file of a story")
    check.add_argument("slug")

    readme = commands.add_parser("readme", help="refresh the README's generated numbers")
    readme.add_argument("--check", action="store_true",
                        help="exit 1 if the README's numbers differ from the data")

    commands.add_parser("site", help="render the executed notebooks into reports/site")

    corpus = commands.add_parser("corpus", help="work on a corpus of retellings")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True,
                                            parser_class=OneLineParser)
    extract_corpus = corpus_commands.add_parser(
        "extract", help="every figure in a corpus (CSV or Parquet) to a CSV, on Dask")
    extract_corpus.add_argument("input", help="retellings.csv, a .parquet file or a folder")
    extract_corpus.add_argument("output", help="the figures table to write (CSV)")
    extract_corpus.add_argument("--scheduler", default="", metavar="ADDRESS",
                                help="a Dask cluster's address (default: the local scheduler)")
    extract_corpus.add_argument("--rows-per-partition", type=int, default=2000,
                                help="rows per partition of a CSV corpus (default 2000)")
    return parser


def _run(args: argparse.Namespace) -> int:
    from crimefigures.pipeline import runner

    if args.list_params:
        return _list_params(args.list_params)
    try:
        runner.run(args.notebooks, cli_parameters=dict(args.parameters),
                   parameter_file=args.parameter_file, force=args.force,
                   dry_run=args.dry_run, jobs=args.jobs, stories=args.stories,
                   language=args.language)
    except runner.NotebookFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _list_params(name: str) -> int:
    from crimefigures.pipeline import params, runner

    steps = runner.select(runner.load_templates(), [name])
    declared = params.declared_parameters(steps[0].notebook_path)
    print(f"{steps[0].notebook}:")
    for parameter in declared.values():
        print(f"  {parameter.describe()}")
    for step in steps:
        if step.parameters:
            print(f"  pipeline step {step.name} passes: {json.dumps(step.parameters)}")
    return 0


def _parse(args: argparse.Namespace) -> int:
    from crimefigures.text.parse import parse_figure

    if args.batch:
        status = 0
        for number, line in enumerate(sys.stdin, start=1):
            phrase = line.strip()
            if not phrase:
                continue
            try:
                print(json.dumps(parse_figure(phrase).to_dict(), ensure_ascii=False))
            except CrimefiguresError as exc:
                print(f"error: <stdin>, line {number}: {exc}", file=sys.stderr)
                status = 1
        return status
    if not args.phrase:
        raise ParameterError("give a phrase, or --batch to read phrases from stdin")
    print(json.dumps(parse_figure(args.phrase).to_dict(), ensure_ascii=False))
    return 0


def _extract(args: argparse.Namespace) -> int:
    from crimefigures.text.article import read_article
    from crimefigures.text.extract import extract_figures

    text = sys.stdin.read() if args.file == "-" else read_article(args.file)
    for figure in extract_figures(text):
        print(json.dumps(figure.to_dict(), ensure_ascii=False))
    return 0


def _draft_ledger(args: argparse.Namespace) -> int:
    from crimefigures.text.ledger import draft_ledger

    for path in draft_ledger(args.article, args.out):
        print(path)
    return 0


def _new_story(args: argparse.Namespace) -> int:
    from crimefigures.new_story import new_story

    metadata = {"outlet": args.outlet, "title": args.title, "url": args.url,
                "date_published": args.date, "credited_to": args.credited_to,
                "language": args.language}
    for path in new_story(args.slug, args.article, metadata):
        print(path)
    print(f"next: review data/curated/{args.slug}/, then python -m crimefigures check-story "
          f"{args.slug} and make reproduce STORY={args.slug}")
    return 0


def _check_story(args: argparse.Namespace) -> int:
    from crimefigures.new_story import check_story

    problems = check_story(args.slug)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{args.slug}: every file is valid")
    return 1 if problems else 0


def _readme(args: argparse.Namespace) -> int:
    from crimefigures.presentation import readme

    return readme.main(check=args.check)


def _site(args: argparse.Namespace) -> int:
    from crimefigures.presentation import site

    print(site.build_site())
    return 0


def _corpus(args: argparse.Namespace) -> int:
    from crimefigures.text import corpus

    if args.rows_per_partition < 1:
        raise ParameterError("--rows-per-partition must be at least 1",
                             field="rows_per_partition")
    count = corpus.extract_corpus(args.input, args.output, args.scheduler,
                                  args.rows_per_partition)
    print(f"wrote {count} figures to {args.output}")
    return 0


HANDLERS = {"run": _run, "parse": _parse, "extract": _extract, "draft-ledger": _draft_ledger,
            "new-story": _new_story, "check-story": _check_story, "readme": _readme,
            "site": _site, "corpus": _corpus}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return HANDLERS[args.command](args)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CrimefiguresError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
