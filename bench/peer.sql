-- The rows PostGraphile serves in the benchmark: views in schema `peer` over the project's own
-- tables, showing what an anonymous caller of clusterbridge sees (published clusters only, no
-- contact details), with smart comments giving PostGraphile the keys that views lack.
DROP SCHEMA IF EXISTS peer CASCADE;
CREATE SCHEMA peer;

CREATE VIEW peer.cluster AS
  SELECT id, slug, name, local_name, acronym, kind, country, region, city, website, description,
         founded_year, members_total, label, status, created_at
  FROM public.cluster WHERE status = 'PUBLISHED';
COMMENT ON VIEW peer.cluster IS E'@primaryKey id';

CREATE VIEW peer.member AS
  SELECT id, cluster_id, name, kind, country, website FROM public.member;
COMMENT ON VIEW peer.member IS E'@primaryKey id\n@foreignKey (cluster_id) references peer.cluster (id)';

CREATE VIEW peer.partnership AS
  SELECT id, name, acronym, kind, description, starts_on, ends_on, status FROM public.partnership;
COMMENT ON VIEW peer.partnership IS E'@primaryKey id';

CREATE VIEW peer.partnership_member AS
  SELECT pm.partnership_id, pm.cluster_id, pm.role, pm.invitation_state, pm.joined_at
  FROM public.partnership_member pm JOIN public.cluster c ON c.id = pm.cluster_id
  WHERE c.status = 'PUBLISHED' AND pm.invitation_state = 'ACCEPTED';
COMMENT ON VIEW peer.partnership_member IS E'@primaryKey partnership_id,cluster_id\n@foreignKey (partnership_id) references peer.partnership (id)\n@foreignKey (cluster_id) references peer.cluster (id)';
