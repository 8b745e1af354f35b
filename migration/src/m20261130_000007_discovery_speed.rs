use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

/// Discovery at 100k clusters: lookups that read only indexes, Chinese and Japanese words in the
/// PostgreSQL full-text index, and a contentless SQLite FTS5 index whose rowids map to clusters.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes that answer "which clusters have this value" without touching the table: filters,
/// facet counts and recommendation scores read them by value and need only the cluster id.
const COVERING_INDEXES: [&str; 4] = [
    "CREATE INDEX idx_cluster_ecosystem_value ON cluster_ecosystem (ecosystem, cluster_id)",
    "CREATE INDEX idx_cluster_emerging_industry_value ON cluster_emerging_industry (emerging_industry, cluster_id)",
    "CREATE INDEX idx_cluster_technology_lower ON cluster_technology (lower(keyword), cluster_id)",
    "CREATE INDEX idx_cluster_status_country ON cluster (status, country, id)",
];
const REPLACED_INDEXES: [&str; 2] = [
    "idx_cluster_ecosystem_ecosystem",
    "idx_cluster_emerging_industry_emerging_industry",
];

/// The facet dimensions of a cluster by its id, so facet counts over text matches look them up
/// in the index instead of reading each wide cluster row.
const FACET_VALUES_POSTGRES: &str =
    "CREATE INDEX idx_cluster_facet_values ON cluster (id) INCLUDE (status, country, kind, label)";
const FACET_VALUES_SQLITE: &str = "CREATE INDEX idx_cluster_facet_values ON cluster (id, status, country, kind, label)";

/// PostgreSQL's parser keeps a run of Chinese characters as one token, so `航太` would never
/// match `台灣區航太工業同業公會`. Every pair of neighbouring CJK characters becomes a token of
/// its own (the bigram scheme CJK search engines use), and a CJK query word becomes a phrase of
/// its bigrams. IMMUTABLE, so the generated column can call it.
const CJK_BIGRAMS: &str = r"
CREATE FUNCTION cjk_bigrams(document text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(run.m[1], i, 2), ' ' ORDER BY run.n, i), '')
  FROM regexp_matches(document, '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]{2,}', 'g')
         WITH ORDINALITY AS run(m, n),
       generate_series(1, char_length(run.m[1]) - 1) AS i
$$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in COVERING_INDEXES {
            db.execute_unprepared(sql).await?;
        }
        for name in REPLACED_INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(FACET_VALUES_POSTGRES).await?;
                // Substring search by trigrams re-checked every long document it found; words are
                // now matched in the tsvector, and trigrams serve typo correction on the
                // vocabulary instead.
                db.execute_unprepared("DROP INDEX idx_cluster_search_trigram").await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_search_term_trigram ON search_term USING GIN (term gin_trgm_ops)",
                )
                .await?;
                db.execute_unprepared(CJK_BIGRAMS).await?;
                db.execute_unprepared("ALTER TABLE cluster_search DROP COLUMN search_vector")
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE cluster_search ADD COLUMN search_vector tsvector \
                     GENERATED ALWAYS AS (to_tsvector('simple', document || ' ' || cjk_bigrams(document))) STORED",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_cluster_search_vector ON cluster_search USING GIN (search_vector)",
                )
                .await?;
            }
            DatabaseBackend::Sqlite => {
                db.execute_unprepared(FACET_VALUES_SQLITE).await?;
                // The first FTS5 table stored every document a second time, with the cluster id
                // as text; reading that id back meant reading the whole row for every hit.
                // Contentless now: the index alone, with rowids that a key table maps to clusters.
                db.execute_unprepared("DROP TABLE cluster_search_fts").await?;
                db.execute_unprepared(
                    "CREATE TABLE cluster_search_fts_key (\
                       fts_rowid INTEGER PRIMARY KEY, \
                       cluster_id BLOB NOT NULL UNIQUE REFERENCES cluster (id) ON DELETE CASCADE)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE cluster_search_fts USING fts5(\
                       document, content = '', contentless_delete = 1, tokenize = 'trigram')",
                )
                .await?;
                db.execute_unprepared(
                    "INSERT INTO cluster_search_fts_key (cluster_id) SELECT cluster_id FROM cluster_search",
                )
                .await?;
                db.execute_unprepared(
                    "INSERT INTO cluster_search_fts (rowid, document) SELECT k.fts_rowid, s.document \
                     FROM cluster_search s JOIN cluster_search_fts_key k ON k.cluster_id = s.cluster_id",
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "search needs SQLite or PostgreSQL, not {other:?}"
                )))
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("DROP INDEX idx_search_term_trigram").await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_cluster_search_trigram ON cluster_search USING GIN (document gin_trgm_ops)",
                )
                .await?;
                db.execute_unprepared("DROP INDEX idx_cluster_facet_values").await?;
                db.execute_unprepared("ALTER TABLE cluster_search DROP COLUMN search_vector")
                    .await?;
                db.execute_unprepared("DROP FUNCTION cjk_bigrams(text)").await?;
                db.execute_unprepared(
                    "ALTER TABLE cluster_search ADD COLUMN search_vector tsvector \
                     GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_cluster_search_vector ON cluster_search USING GIN (search_vector)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP INDEX idx_cluster_facet_values").await?;
                db.execute_unprepared("DROP TABLE cluster_search_fts").await?;
                db.execute_unprepared("DROP TABLE cluster_search_fts_key").await?;
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE cluster_search_fts USING fts5(cluster_id UNINDEXED, document, tokenize = 'trigram')",
                )
                .await?;
                db.execute_unprepared(
                    "INSERT INTO cluster_search_fts (cluster_id, document) \
                     SELECT lower(substr(hex(cluster_id), 1, 8) || '-' || substr(hex(cluster_id), 9, 4) || '-' || \
                     substr(hex(cluster_id), 13, 4) || '-' || substr(hex(cluster_id), 17, 4) || '-' || substr(hex(cluster_id), 21)), \
                     document FROM cluster_search",
                )
                .await?;
            }
        }
        db.execute_unprepared("CREATE INDEX idx_cluster_ecosystem_ecosystem ON cluster_ecosystem (ecosystem)")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_cluster_emerging_industry_emerging_industry ON cluster_emerging_industry (emerging_industry)",
        )
        .await?;
        for sql in COVERING_INDEXES {
            let name = sql.split_whitespace().nth(2).unwrap_or_default();
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
