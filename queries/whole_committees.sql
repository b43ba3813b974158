-- Whole-committee and whole-village creation (整居创建 / 整村创建), as of the end of a day.
-- Grain: one row per (district, kind) for the kinds the campaign counts whole per committee (its definition's
-- kinds with ``whole``: 无疫小区's compounds in residents' committees and village groups in villages).
-- Parameters: $as_of (date, null = latest), $district (null = all), $whole_kinds (those kinds' keys, comma-separated;
-- null = the kinds whole_daily holds, which derive.sql made for them).
-- Reads whole_daily (derive.sql): its latest row <= as_of per district and kind.
with sizes as (
    select district, kind, sum(committees)::bigint as committees
    from town_kinds
    where (list_contains(string_split($whole_kinds::varchar, ','), kind)
           or ($whole_kinds::varchar is null and kind in (select distinct kind from whole_daily)))
      and ($district::varchar is null or district = $district)
    group by district, kind
), latest as (
    select district, kind, arg_max(committees_with_created, published) as committees_with_created,
           arg_max(committees_whole, published) as committees_whole
    from whole_daily
    where published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or district = $district)
    group by district, kind
)
select
    s.district,
    s.kind,
    s.committees,
    coalesce(l.committees_with_created, 0) as committees_with_created,
    coalesce(l.committees_whole, 0) as committees_whole
from sizes as s
left join latest as l using (district, kind)
order by s.district, s.kind
