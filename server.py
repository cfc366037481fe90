"""Run the kgcase SPARQL service under granian: ``python server.py --port 8000 --data-dir data``.

The flags are those of ``kgcase serve`` (see ``docs/sparql.md``).
"""

from kgcase.web.cli import serve_command

if __name__ == "__main__":
    serve_command()
