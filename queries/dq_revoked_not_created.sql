-- Data quality: revocations (取消) of units that did not stand created on the revocation's day: never created by
-- then, or revoked already. Such a revocation takes nothing away (the unit counts neither created nor revoked) and
-- ingest warned of it; the list that created the unit is probably missing, or dated later than the revocation.
-- Grain: one row per such revocation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- Reads transitions (derive.sql): a revocation's previous creation or revocation, so as-of is a filter.
select
    u.district, u.town, u.committee, u.name, u.kind,
    t.published as revoked_published, t.source_file as revoked_file, t.source_row as revoked_row,
    coalesce(t.previous = 'revoked', false) as revoked_already,
    (
        select min(c.published) from transitions as c
        where c.unit_id = t.unit_id and c.event = 'created' and c.published > t.published
    ) as created_later
from transitions as t
join units as u using (unit_id)
where t.event = 'revoked' and coalesce(t.previous, 'revoked') <> 'created'
  and t.published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or u.district = $district)
order by u.district, u.town, u.committee, u.name, t.published
