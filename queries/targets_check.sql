-- Roster totals reconciled against the official totals a district published (not batch notices).
-- Grain: one row per target (district, kind); kind null = every kind of the district together.
-- Parameters: $district (null = all).
select
    t.district,
    t.kind,
    t.target,
    t.target_date,
    t.source,
    (
        select coalesce(sum(k.total), 0)::bigint from town_kinds as k
        where k.district = t.district and (t.kind is null or k.kind = t.kind)
    ) as roster
from targets as t
where t.batch is null
  and ($district::varchar is null or t.district = $district)
order by t.district, t.kind nulls last
