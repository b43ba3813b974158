-- Data quality: a committee or village marked whole (整建制 / 整居创建 / 整村创建) in a list published on day D
-- while, at the end of day D, one of its roster units of the marked kind is not created.
-- Grain: one row per (mark, unit missing): a mark is one list's (file and day's) 是 on a committee or village
-- and kind of unit; claim_row is the list's first row marked so.
-- Parameters: $as_of (date, null = latest: marks published up to that day), $district (null = all).
-- Reads whole_mark_units (derive.sql); roster-less districts have no roster to check against.
select
    district,
    town,
    committee,
    kind,
    published as claimed,
    source_file as claim_file,
    mark_row as claim_row,
    name,
    status_then,
    roster_file,
    roster_row
from whole_mark_units($as_of::date, $district::varchar)
where whole and not created_then
order by district, town, committee, kind, published, source_file, name
