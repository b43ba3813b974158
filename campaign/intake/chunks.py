"""A large run in groups of districts: which files go together (they share a district), each group up to a
number of bytes, so that a run's memory follows its largest group, not the whole run."""

from __future__ import annotations

import hashlib
from pathlib import Path

from campaign.intake import limits
from campaign.intake.existing import Existing
from campaign.intake.infer import Defaults, fill_stated
from campaign.intake.normalise import by_value, clean_expr
from campaign.intake.reader import read_tables
from campaign.intake.report import ALREADY_LOADED, FileReport
from campaign.intake.roles import role_of

Item = tuple[int, Path, str]  # a file of the run: its position, its path, its name as shown to the user


def plan(
    items: list[Item], existing: Existing, defaults: Defaults, digests: dict[int, str], chunk_bytes: int
) -> tuple[list[list[Item]], list[tuple[int, FileReport]], list[str]]:
    """The run's files in groups that share no district, each group up to ``chunk_bytes`` (a district's files are
    never split), and last the files that name no district through a roster or list (totals, grids, services,
    files that cannot be read: their problems come when they are read again). Also the files skipped (loaded
    already, or twice in the run) and every district the rosters and lists name."""
    seen: set[str] = set()
    skipped: list[tuple[int, FileReport]] = []
    placed: list[tuple[Item, set[str], int]] = []
    rest: list[Item] = []
    for item in items:
        i, path, name = item
        if not path.is_file() or limits.check(path, name) is not None:
            rest.append(item)
            continue
        data = path.read_bytes()
        digest = digests[i] = hashlib.sha256(data).hexdigest()
        if digest in existing.checksums or digest in seen:
            skipped.append((i, FileReport(name, "skipped", 0, ALREADY_LOADED)))
            continue
        seen.add(digest)
        tables, _ = read_tables(path, name, data=data, only=frozenset({"district"}))
        places: set[str] = set()
        for table in tables:
            table = fill_stated(table, defaults)
            if role_of(table) in ("roster", "status") and "district" in table.frame.columns:
                places.update(by_value(table.frame.get_column("district"), clean_expr).drop_nulls().to_list())
        if places:
            placed.append((item, places, len(data)))
        else:
            rest.append(item)
    # files sharing a district are one group (union-find over the districts they name)
    parent = list(range(len(placed)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[str, int] = {}
    for k, (_, places, _) in enumerate(placed):
        for district in places:
            if district in owner:
                parent[root(k)] = root(owner[district])
            else:
                owner[district] = k
    groups: dict[int, list[tuple[Item, int]]] = {}
    for k, (item, _, size) in enumerate(placed):
        groups.setdefault(root(k), []).append((item, size))
    chunks: list[list[Item]] = []
    current: list[Item] = []
    size = 0
    for group in sorted(groups.values(), key=lambda g: g[0][0][0]):
        group_size = sum(s for _, s in group)
        if current and size + group_size > chunk_bytes:
            chunks.append(current)
            current, size = [], 0
        current += [item for item, _ in group]
        size += group_size
    if current:
        chunks.append(current)
    if rest:
        chunks.append(rest)
    return [sorted(chunk) for chunk in chunks], skipped, sorted(owner)
