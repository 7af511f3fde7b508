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
from rich.markup import escape
from rich.text import Text

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
    """Print a project error as plain text (no rich markup: "[study]" must stay) and exit 1."""
    if isinstance(err, DataValidationError):
        n = len(err.problems)
        console.print(f"[bold red]invalid input: {n} problem{'s' if n != 1 else ''}[/]")
        for p in err.problems:  # one problem, one line: never wrapped to the terminal
            console.print(f"  - {p}", markup=False, highlight=False, soft_wrap=True)
    else:
        msg = Text("error: ", style="bold red") + Text(str(err))
        console.print(msg, highlight=False, soft_wrap=True)
    for note in getattr(err, "__notes__", ()):
        console.print(f"  {note}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


def _interrupted() -> None:
    """Ctrl-C: one line, exit status 130 (the shell's convention for SIGINT)."""
    from skillshore._interrupt import INTERRUPTED, silence_shutdown

    silence_shutdown()
    console.print(INTERRUPTED, markup=False, highlight=False)
    raise typer.Exit(code=130)


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
    # pyfixest warns on every fit that drops singleton fixed effects (the count is in the
    # report's Sample table and results.json["sample"], each IV column's N under its table)
    # and on its own pandas deprecations: keep the console for the study's messages
    warnings.filterwarnings("ignore", module=r"pyfixest(\.|$)")
    if scale not in ("tiny", "demo", "paper"):
        _fail(SkillshoreError(f"--scale must be tiny, demo or paper, got {scale!r}"))
    import signal

    def _on_sigint(signum, frame):  # mute Dask before the cluster closes, then stop
        from skillshore._interrupt import silence_shutdown

        silence_shutdown()
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread: leave Ctrl-C as it is
        previous = None
    try:
        study = run_study(
            config,
            out=out,
            scale=scale,
            seed=seed,
            force=force,
            scheduler=scheduler,
            progress=lambda m: console.print(f"[cyan]·[/] {escape(m)}"),
        )
    except SkillshoreError as err:
        _fail(err)
        return
    except KeyboardInterrupt:
        _interrupted()
        return
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    console.print(study.summary(), markup=False, highlight=False)


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
    layout: Annotated[
        str,
        typer.Option(help="raw (skillshore's tables) or registers (DST-style extracts)."),
    ] = "raw",
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A knob of the data-generating process, KEY=VALUE with a TOML value "
            "(e.g. --set beta_high=0.1 --set 'seg_sd_high=[0.03, 0.0]'); see SynthSettings.",
        ),
    ] = None,
) -> None:
    """Write the synthetic economy's raw tables and its ground truth."""
    if layout not in ("raw", "registers"):
        _fail(SkillshoreError(f"--layout must be raw or registers, got {layout!r}"))
    try:
        settings = synth_settings(set_ or [])
    except SkillshoreError as err:
        _fail(err)
        return
    if layout == "registers":
        from skillshore.registers import synth_registers

        if settings is not None:
            _fail(SkillshoreError("--set is not available with --layout registers"))
        try:
            paths = synth_registers(out, scale=scale, seed=seed)
        except SkillshoreError as err:
            _fail(err)
            return
        console.print(
            f"wrote the register layout to {out}; build the raw tables with\n"
            f"  skillshore registers build --config {paths['registers.toml']}",
            highlight=False,
        )
        return
    try:
        from skillshore.synth import generate  # type: ignore[attr-defined]
    except ImportError:
        _fail(SkillshoreError("the synthetic economy generator is not available in this version."))
        return
    try:
        res = generate(out, scale=scale, seed=seed, settings=settings)
    except SkillshoreError as err:
        _fail(err)
        return
    console.print(res.summary() if hasattr(res, "summary") else f"wrote {out}", highlight=False)


def synth_settings(items: list[str]):
    """``SynthSettings`` from ``KEY=VALUE`` strings (values parsed as TOML; a bare word is a
    string), or None for none. Unknown keys and values of the wrong type are errors."""
    import dataclasses
    import tomllib

    from skillshore.synth import SynthSettings

    if not items:
        return None
    defaults = SynthSettings()
    fields = {f.name for f in dataclasses.fields(SynthSettings)}
    changes: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in fields:
            raise SkillshoreError(
                f"--set {item!r}: expected KEY=VALUE with KEY one of {sorted(fields)}"
            )
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        default = getattr(defaults, key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or len(value) != len(default):
                raise SkillshoreError(
                    f"--set {key}: expected a list of {len(default)} numbers, got {raw!r}"
                )
            value = tuple(float(v) for v in value)
        elif isinstance(default, float) and isinstance(value, int | float):
            if isinstance(value, bool):
                raise SkillshoreError(f"--set {key}: expected a number, got {raw!r}")
            value = float(value)
        elif not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(
            default, bool
        ):
            raise SkillshoreError(f"--set {key}: expected a {type(default).__name__}, got {raw!r}")
        changes[key] = value
    return dataclasses.replace(defaults, **changes)


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


registers_app = typer.Typer(
    help="Danish register extracts -> raw tables (docs/registers.md).", no_args_is_help=True
)
app.add_typer(registers_app, name="registers")


@registers_app.command("template")
def registers_template() -> None:
    """Print a commented register mapping to fill in."""
    from skillshore.registers import template

    print(template(), end="")


@registers_app.command("build")
def registers_build(
    config: Annotated[Path, typer.Option("--config", "-c", help="TOML with [registers].")],
) -> None:
    """Read the register extracts, harmonise the codes and write the raw tables."""
    from skillshore.registers import build_tables, load_register_config, write_tables

    try:
        cfg = load_register_config(config)
        built = build_tables(cfg)
        write_tables(built, cfg)
    except SkillshoreError as err:
        _fail(err)
        return
    console.print(built.summary(), highlight=False, soft_wrap=True)
    console.print(f"wrote {cfg.out} (tables, harmonisation.json, study.toml)")


skills_app = typer.Typer(help="Title matching: review the uncertain matches.", no_args_is_help=True)
app.add_typer(skills_app, name="skills")


@skills_app.command("review")
def skills_review(
    config: Annotated[Path, typer.Option("--config", "-c", help="Study TOML naming the tables.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Review CSV (default: skills_review.csv next to the config)."
        ),
    ] = None,
    include_all: Annotated[
        bool, typer.Option("--all", help="List every code, not only the flagged ones.")
    ] = False,
) -> None:
    """Write the flagged titles with their top-5 candidates to a CSV to fill in.

    In the column 'choice' write the rank of the right candidate (1-5) or an O*NET-SOC
    2019 code; then name the filled file as 'overrides' in the config's skills section
    and run the study again.
    """
    from skillshore.config import load_config
    from skillshore.pipeline import validate_study
    from skillshore.skills.cli import review_command

    try:
        cfg = load_config(config)
        path, n = review_command(cfg, validate_study(cfg)["catalog"], out, include_all)
    except SkillshoreError as err:
        _fail(err)
        return
    console.print(f"{n} title(s) to review: {path}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
