"""Command line: ``skillshore run``, ``skillshore validate``, ``skillshore synth``.

The CLI only parses options and wires stages (:mod:`skillshore.pipeline`);
errors of the project's own types are printed as one readable message and the
command exits with status 1, never with a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from skillshore.errors import DataValidationError, SkillshoreError

app = typer.Typer(
    name="skillshore",
    help="Offshoring and segregation by skill: run the study end to end.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from skillshore import __version__

        print(f"skillshore {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Offshoring and segregation by skill: run the study end to end."""


def _fail(err: SkillshoreError) -> None:
    if isinstance(err, DataValidationError):
        n = len(err.problems)
        console.print(f"[bold red]invalid input: {n} problem{'s' if n != 1 else ''}[/]")
        for p in err.problems:
            console.print(f"  - {p}", markup=False, highlight=False)
    else:
        console.print(f"[bold red]error:[/] {err}", highlight=False)
    raise typer.Exit(code=1)


@app.command()
def run(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Study TOML; omit to run on the synthetic economy."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")] = None,
    scale: Annotated[
        str, typer.Option(help="Synthetic economy size: tiny, demo or paper.")
    ] = "demo",
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Bootstrap scheduler: 'threads' (in this process), 'processes' (a local "
            "cluster of [structural] workers) or a Dask scheduler address (default: the "
            "config's [structural] scheduler, 'threads')."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Recompute every stage (ignore the cache).")
    ] = False,
) -> None:
    """Run the whole study and write the report."""
    import logging
    import warnings

    from skillshore.pipeline import run_study

    for name in ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.WARNING)  # keep the console for our progress lines
    # pyfixest warns on every fit that drops singleton fixed effects (the tables report N)
    # and on its own pandas deprecations: keep the console for the study's messages
    warnings.filterwarnings("ignore", module=r"pyfixest(\.|$)")
    if scale not in ("tiny", "demo", "paper"):
        _fail(SkillshoreError(f"--scale must be tiny, demo or paper, got {scale!r}"))
    try:
        study = run_study(
            config,
            out=out,
            scale=scale,
            seed=seed,
            force=force,
            scheduler=scheduler,
            progress=lambda m: console.print(f"[cyan]·[/] {m}"),
        )
    except SkillshoreError as err:
        _fail(err)
        return
    console.print(study.summary(), highlight=False)


@app.command()
def validate(
    config: Annotated[Path, typer.Option("--config", "-c", help="Study TOML naming the tables.")],
) -> None:
    """Check every raw table against its schema; list each problem."""
    from skillshore.pipeline import validate_study
    from skillshore.tables.describe import describe_tables

    try:
        frames = validate_study(config)
    except SkillshoreError as err:
        _fail(err)
        return
    console.print("[green]all tables valid[/]")
    console.print(describe_tables(frames).summary(), highlight=False)


@app.command()
def synth(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the raw tables and truth.json.")
    ],
    scale: Annotated[str, typer.Option(help="tiny, demo or paper.")] = "demo",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 0,
) -> None:
    """Write the synthetic economy's raw tables and its ground truth."""
    try:
        from skillshore.synth import generate  # type: ignore[attr-defined]
    except ImportError:
        _fail(SkillshoreError("the synthetic economy generator is not available in this version."))
        return
    try:
        res = generate(out, scale=scale, seed=seed)
    except SkillshoreError as err:
        _fail(err)
        return
    console.print(res.summary() if hasattr(res, "summary") else f"wrote {out}", highlight=False)


@app.command()
def montecarlo(
    seeds: Annotated[int, typer.Option(help="Replications (generator seeds 1..N).")] = 50,
    scale: Annotated[str, typer.Option(help="tiny, demo or paper.")] = "tiny",
    skills: Annotated[
        str, typer.Option(help="'truth' (generator's skills) or 'text' (matched titles).")
    ] = "truth",
    kappa: Annotated[
        float | None, typer.Option(help="Shock strength of the DGP (default: SynthSettings).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Dask workers of the local cluster.")] = 2,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a running Dask scheduler.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the draws to this CSV file.")
    ] = None,
) -> None:
    """Monte Carlo of the shift-share IV over synthetic economies (coverage of the truth)."""
    from skillshore.montecarlo import iv_montecarlo
    from skillshore.report.io import write_text

    try:
        res = iv_montecarlo(
            seeds,
            scale=scale,
            skills=skills,  # type: ignore[arg-type]
            settings=None if kappa is None else {"kappa": kappa},
            n_workers=workers,
            scheduler=scheduler,
            progress=True,
        )
    except SkillshoreError as err:
        _fail(err)
        return
    console.print(res.summary(), highlight=False, soft_wrap=True)
    if out is not None:
        write_text(out, res.draws.to_csv(index=False))
        console.print(f"draws: {out}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
