use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

/// PostgreSQL: the search row carries copies of the cluster's facet values (status, country,
/// kind, label, ecosystems, emerging industries), so facet counts over text matches read only the
/// rows the full-text index found. Joining each match back to `cluster` and to the two join
/// tables cost more than finding the matches (a word in 8% of 100k profiles: 115 -> 66 ms).
///
/// Triggers keep the copies, in the transaction of the write, so no write path can forget them.
/// SQLite needs no copies: its facet counts are within their target over `cluster` itself.
#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 10] = [
    "ALTER TABLE cluster_search \
       ADD COLUMN status varchar(40), ADD COLUMN country char(2), ADD COLUMN kind varchar(40), \
       ADD COLUMN label varchar(40), ADD COLUMN ecosystems text[] NOT NULL DEFAULT '{}', \
       ADD COLUMN emerging_industries text[] NOT NULL DEFAULT '{}'",
    // Every copy of the given clusters, read afresh from the tables they copy.
    "CREATE FUNCTION refresh_search_row_facets(clusters uuid[]) RETURNS void LANGUAGE sql AS $$ \
       UPDATE cluster_search s SET status = c.status, country = c.country, kind = c.kind, label = c.label, \
         ecosystems = ARRAY(SELECT e.ecosystem FROM cluster_ecosystem e WHERE e.cluster_id = c.id ORDER BY 1), \
         emerging_industries = ARRAY(SELECT i.emerging_industry FROM cluster_emerging_industry i \
                                     WHERE i.cluster_id = c.id ORDER BY 1) \
       FROM cluster c WHERE c.id = s.cluster_id AND s.cluster_id = ANY(clusters) $$",
    "SELECT refresh_search_row_facets(ARRAY(SELECT cluster_id FROM cluster_search))",
    "ALTER TABLE cluster_search ALTER COLUMN status SET NOT NULL, ALTER COLUMN country SET NOT NULL, \
       ALTER COLUMN kind SET NOT NULL, ALTER COLUMN label SET NOT NULL",
    // A new search row copies the values as it is written (NOT NULL is checked after this).
    "CREATE FUNCTION copy_search_row_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
       SELECT c.status, c.country, c.kind, c.label, \
         ARRAY(SELECT e.ecosystem FROM cluster_ecosystem e WHERE e.cluster_id = c.id ORDER BY 1), \
         ARRAY(SELECT i.emerging_industry FROM cluster_emerging_industry i WHERE i.cluster_id = c.id ORDER BY 1) \
       INTO NEW.status, NEW.country, NEW.kind, NEW.label, NEW.ecosystems, NEW.emerging_industries \
       FROM cluster c WHERE c.id = NEW.cluster_id; \
       RETURN NEW; END $$",
    "CREATE TRIGGER cluster_search_facets BEFORE INSERT ON cluster_search \
       FOR EACH ROW EXECUTE FUNCTION copy_search_row_facets()",
    "CREATE FUNCTION cluster_changed_search_row_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
       PERFORM refresh_search_row_facets(ARRAY[NEW.id]); RETURN NULL; END $$",
    "CREATE TRIGGER cluster_search_facets AFTER UPDATE OF status, country, kind, label ON cluster \
       FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.country IS DISTINCT FROM NEW.country \
         OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.label IS DISTINCT FROM NEW.label) \
       EXECUTE FUNCTION cluster_changed_search_row_facets()",
    // Once per statement over the rows it changed: replacing a profile's ecosystems (a delete and
    // an insert) refreshes the row twice, not once per ecosystem.
    "CREATE FUNCTION added_search_row_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
       PERFORM refresh_search_row_facets(ARRAY(SELECT DISTINCT cluster_id FROM added)); RETURN NULL; END $$",
    "CREATE FUNCTION removed_search_row_facets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
       PERFORM refresh_search_row_facets(ARRAY(SELECT DISTINCT cluster_id FROM removed)); RETURN NULL; END $$",
];

const JOIN_TABLES: [&str; 2] = ["cluster_ecosystem", "cluster_emerging_industry"];

/// The statement triggers on each join table: name suffix, event, transition table, function.
/// PostgreSQL allows transition tables only on triggers of a single event.
const JOIN_TABLE_TRIGGERS: [(&str, &str, &str, &str); 4] = [
    ("insert", "INSERT", "NEW TABLE AS added", "added_search_row_facets"),
    ("delete", "DELETE", "OLD TABLE AS removed", "removed_search_row_facets"),
    ("update_new", "UPDATE", "NEW TABLE AS added", "added_search_row_facets"),
    (
        "update_old",
        "UPDATE",
        "OLD TABLE AS removed",
        "removed_search_row_facets",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        for table in JOIN_TABLES {
            for (suffix, event, transition, function) in JOIN_TABLE_TRIGGERS {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_search_facets_{suffix} AFTER {event} ON {table} \
                     REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for table in JOIN_TABLES {
            for (suffix, ..) in JOIN_TABLE_TRIGGERS {
                db.execute_unprepared(&format!("DROP TRIGGER {table}_search_facets_{suffix} ON {table}"))
                    .await?;
            }
        }
        for sql in [
            "DROP TRIGGER cluster_search_facets ON cluster",
            "DROP TRIGGER cluster_search_facets ON cluster_search",
            "DROP FUNCTION removed_search_row_facets()",
            "DROP FUNCTION added_search_row_facets()",
            "DROP FUNCTION cluster_changed_search_row_facets()",
            "DROP FUNCTION copy_search_row_facets()",
            "DROP FUNCTION refresh_search_row_facets(uuid[])",
            "ALTER TABLE cluster_search DROP COLUMN status, DROP COLUMN country, DROP COLUMN kind, \
               DROP COLUMN label, DROP COLUMN ecosystems, DROP COLUMN emerging_industries",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
