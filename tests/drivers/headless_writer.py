"""A writer process the tests steer through stdin, one command a line, one reply a line.

    add START END LABEL   add a span through the core API (as the window does); replies its id
    reopen                open and close the same project a second time in this process
    count                 spans in the project, read through this process's connection

Run: python headless_writer.py PROJECT
"""

import sys

from annotator.edits import AddSpan
from annotator.project import open_project
from annotator.store import Store


def main() -> None:
    path = sys.argv[1]
    store = open_project(path, seed=True)
    doc_id = store.document_ids()[0]
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "add":
            inverse = AddSpan(doc_id, "alice", int(words[1]), int(words[2]), words[3]).apply(store)
            print(inverse.span_id, flush=True)  # acknowledged: the window would draw it now
        elif words[0] == "reopen":
            Store(path).close()
            open_project(path).close()
            print("reopened", flush=True)
        elif words[0] == "count":
            print(store.db.execute("SELECT count(*) FROM spans").fetchone()[0], flush=True)


if __name__ == "__main__":
    main()
