"""What an ingest tells its user: each file's role and rows, the run's counters, what each district gains,
and what the data-quality page will flag; ``summary`` is the text the CLI prints and the data page shows."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from campaign.intake.problems import Problem


@dataclass
class FileReport:
    name: str
    role: str  # roster | status | targets | grids | services | skipped
    rows: int
    note: str = ""


def _counter(*, change: bool) -> int:
    """A count of the report: ``change``, whether a run counting any of it changed the snapshot (the others say
    what a run did not add, and why)."""
    return field(default=0, metadata={"counter": True, "change": change})


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    units_added: int = _counter(change=True)
    units_updated: int = _counter(change=True)
    by_district: list[dict] = field(default_factory=list)  # district, units_added, created, revoked, ...
    events_added: int = _counter(change=True)
    targets_loaded: int = _counter(change=True)
    grids_loaded: int = _counter(change=True)  # grids of the grid rosters in this run (each replaces its committee's)
    services_loaded: int = _counter(change=True)  # rows of the services logs in this run
    marks_added: int = _counter(change=True)  # list rows kept for the quality checks: cumulative lists' rows, 整建制
    # rows of cumulative lists adding no creation: unit created already, or revoked that day
    already_created: int = _counter(change=False)
    implied: int = _counter(change=False)  # events a status implied (示范 with no creation on record: created then)
    # what the data-quality page will flag once published (campaign.intake.findings): said, not refused
    warnings: list[Problem] = field(default_factory=list)

    def changes(self) -> dict[str, int]:
        """The counters of what the run changed, by name (the ingest log's figures)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.metadata.get("change")}

    @property
    def changed(self) -> bool:
        return any(self.changes().values())

    def add(self, part: IngestReport) -> None:
        """``part`` (a group of districts of a large run) added to this report."""
        for f in fields(self):
            if f.metadata.get("counter"):
                setattr(self, f.name, getattr(self, f.name) + getattr(part, f.name))
        self.by_district += part.by_district
        self.warnings += part.warnings

    def summary(self) -> str:
        lines = [f"  {f.name}: {f.role}, {f.rows} 行 (rows){' — ' + f.note if f.note else ''}" for f in self.files]
        lines.append(
            f"新增单位 {self.units_added}，更新单位 {self.units_updated}，新增状态记录 {self.events_added}，"
            f"官方总数 {self.targets_loaded} (units added {self.units_added}, updated {self.units_updated}, "
            f"events added {self.events_added}, targets {self.targets_loaded})"
        )
        if self.marks_added or self.already_created:
            lines.append(
                f"累计名单及整建制标记 {self.marks_added} 行；累计名单中已创建、未重复记录 {self.already_created} 个 "
                f"(cumulative-list rows and whole marks {self.marks_added}; cumulative rows adding no creation "
                f"{self.already_created})"
            )
        if self.implied:
            lines.append(
                f"示范单位此前无创建记录 {self.implied} 个，按示范日计为已创建，见数据质量页 "
                f"({self.implied} model units with no creation on record: counted created as of the model day; "
                "listed on the data-quality page)"
            )
        if self.warnings:
            lines.append(f"请注意 {len(self.warnings)} 处 (to look at before confirming: {len(self.warnings)}):")
            lines += [f"    ! {w}" for w in self.warnings]
        if self.grids_loaded or self.services_loaded:
            lines.append(
                f"网格 {self.grids_loaded}，服务记录 {self.services_loaded} "
                f"(grids {self.grids_loaded}, service rows {self.services_loaded})"
            )
        return "\n".join(lines)


ALREADY_LOADED = "已导入过，未改变任何数据 (already loaded)"
