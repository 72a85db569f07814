"""The ``milo`` command line (typer), one module per command group.

``app`` is the entry point (``milo = "api.cli:app"``). The command modules hold plain functions;
they are registered here, in the order ``milo --help`` lists them, so that no command module
imports this package (no import cycle).
"""

from api.cli import (
    coverage,
    data,
    demo,
    kit,
    map,
    plan,
    report,
    roads,
    serve,
    territory,
    tokens,
    users,
    worker,
)
from api.cli.app import app

app.command()(territory.territory)
app.command()(demo.demo)
app.command()(plan.plan)
app.command()(plan.validate)
app.command()(coverage.coverage)
app.command()(coverage.compare)
app.command()(report.report)
app.command()(data.data)
app.command()(roads.roads)
app.command()(serve.serve)
app.command()(worker.worker)
app.add_typer(tokens.token_app, name="token")
app.add_typer(users.user_app, name="user")
app.command("map")(map.map_command)
app.command()(kit.kit)

__all__ = ["app"]
