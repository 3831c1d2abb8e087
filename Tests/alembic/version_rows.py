#!/usr/bin/env python3
"""Alembic's own version-table bookkeeping, as an oracle for Retort's VersionPlanner.

    python3 Tests/alembic/version_rows.py < graph.json

Reads {"revisions": [{"id", "parents", "dependsOn"}], "upgrade": [id, ...],
"downgrade": [id, ...]} and prints {"upgrade": [[rows after step 1], ...],
"downgrade": [...]}: the rows of alembic_version after each step, sorted, when the
upgrade steps run from an empty table and then the downgrade steps. It drives Alembic's
real RevisionMap, RevisionStep and HeadMaintainer.update_to_step, with the three methods
that would execute SQL replaced by ones that only keep the set of rows.

Needs Alembic; VersionPlannerTests runs it with the Python of the virtualenv the tests
install Alembic into from PyPI, or with RETORT_ALEMBIC_PYTHON.
"""
import json
import sys

sys.dont_write_bytecode = True

from alembic.runtime.migration import HeadMaintainer, RevisionStep  # noqa: E402
from alembic.script.revision import Revision, RevisionMap  # noqa: E402


class Rows(HeadMaintainer):
    def __init__(self):
        self.heads = set()

    def _insert_version(self, version):
        assert version not in self.heads
        self.heads.add(version)

    def _delete_version(self, version):
        self.heads.remove(version)

    def _update_version(self, from_, to_):
        assert to_ not in self.heads
        self.heads.remove(from_)
        self.heads.add(to_)


class Module:
    @staticmethod
    def upgrade():
        pass

    @staticmethod
    def downgrade():
        pass


def main():
    data = json.load(sys.stdin)
    revisions = []
    for r in data["revisions"]:
        parents = r["parents"]
        down = None if not parents else parents[0] if len(parents) == 1 else tuple(parents)
        revision = Revision(r["id"], down, dependencies=tuple(r["dependsOn"]) or None)
        revision.module = Module
        revisions.append(revision)
    revision_map = RevisionMap(lambda: revisions)
    rows = Rows()
    result = {"upgrade": [], "downgrade": []}
    for direction, upgrade in (("upgrade", True), ("downgrade", False)):
        for rev_id in data[direction]:
            step = RevisionStep(revision_map, revision_map.get_revision(rev_id), upgrade)
            rows.update_to_step(step)
            result[direction].append(sorted(rows.heads))
    json.dump(result, sys.stdout)


main()
