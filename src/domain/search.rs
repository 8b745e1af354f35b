//! Full-text search over cluster profiles, in the database's own engine: FTS5 with the trigram
//! tokenizer on SQLite, tsvector plus pg_trgm on PostgreSQL. Both find substrings in any script
//! (`航太`, `TPCA`), whole words, and words with a typo (`aerospce`).

use std::collections::HashSet;

use entity::{cluster, cluster_search, cluster_technology, member};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Most hits one search considers; `totalCount` of a text search stops there.
pub const MAX_HITS: usize = 1000;

/// A matching cluster and how well it matches (higher is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub cluster_id: Uuid,
    pub score: f64,
}

/// The text a cluster is found by.
pub fn document(cluster: &cluster::Model, technologies: &[String], member_names: &[String]) -> String {
    let mut parts: Vec<&str> = vec![&cluster.name];
    parts.extend(cluster.local_name.as_deref());
    parts.extend(cluster.acronym.as_deref());
    parts.extend(cluster.city.as_deref());
    parts.extend(cluster.region.as_deref());
    let technologies = technologies.join(", ");
    if !technologies.is_empty() {
        parts.push(&technologies);
    }
    parts.extend(cluster.description.as_deref());
    let members = member_names.join(", ");
    if !members.is_empty() {
        parts.push(&members);
    }
    parts.join(" · ")
}

/// Rebuilds a cluster's search document; call it in the transaction of the write that changed it.
pub async fn reindex<C: ConnectionTrait>(db: &C, cluster_id: Uuid) -> AppResult<()> {
    let Some(cluster) = cluster::Entity::find_by_id(cluster_id).one(db).await? else {
        return Ok(());
    };
    let technologies: Vec<String> = cluster_technology::Entity::find()
        .filter(cluster_technology::Column::ClusterId.eq(cluster_id))
        .order_by_asc(cluster_technology::Column::Keyword)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.keyword)
        .collect();
    let members: Vec<String> = member::Entity::find()
        .filter(member::Column::ClusterId.eq(cluster_id))
        .order_by_asc(member::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.name)
        .collect();
    store(db, cluster_id, document(&cluster, &technologies, &members)).await
}

/// Writes a search document (and, on SQLite, its FTS5 row).
pub async fn store<C: ConnectionTrait>(db: &C, cluster_id: Uuid, document: String) -> AppResult<()> {
    cluster_search::Entity::delete_by_id(cluster_id).exec(db).await?;
    cluster_search::Entity::insert(cluster_search::ActiveModel {
        cluster_id: Set(cluster_id),
        document: Set(document.clone()),
    })
    .exec(db)
    .await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        forget_fts(db, cluster_id).await?;
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "INSERT INTO cluster_search_fts (cluster_id, document) VALUES (?, ?)",
            [cluster_id.to_string().into(), document.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Removes a deleted cluster from the SQLite FTS5 table, which foreign keys do not reach.
pub async fn forget_fts<C: ConnectionTrait>(db: &C, cluster_id: Uuid) -> AppResult<()> {
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "DELETE FROM cluster_search_fts WHERE cluster_id = ?",
            [cluster_id.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

fn words(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect()
}

fn like_pattern(word: &str) -> String {
    format!(
        "%{}%",
        word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    )
}

fn trigrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(3)
        .map(|w| w.iter().collect())
        .collect::<HashSet<String>>()
        .into_iter()
        .collect()
}

/// Edits a word of this length may be away from the word it was meant to be.
fn typos_allowed(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether `document` (lower case) holds `word`, or a word one or two edits from it: a letter
/// missing, extra, wrong, or two swapped.
fn fuzzy_contains(document: &str, word: &str) -> bool {
    if document.contains(word) {
        return true;
    }
    let allowed = typos_allowed(word);
    allowed > 0
        && document
            .split(|c: char| !c.is_alphanumeric())
            .filter(|token| token.chars().count().abs_diff(word.chars().count()) <= allowed)
            .any(|token| strsim::damerau_levenshtein(token, word) <= allowed)
}

/// Clusters whose search document matches every word of `query`, best first.
pub async fn hits<C: ConnectionTrait + TransactionTrait>(db: &C, query: &str) -> AppResult<Vec<Hit>> {
    let words = words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let exact = match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres_hits(db, query, &words).await?,
        DatabaseBackend::Sqlite => sqlite_search(db, &words, false).await?,
        _ => return Err(AppError::Internal),
    };
    if !exact.is_empty() || words.iter().all(|w| typos_allowed(w) == 0) {
        return Ok(exact);
    }
    // Nothing as typed: look again, forgiving a typo or two per word.
    match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres_fuzzy(db, &words).await,
        _ => sqlite_search(db, &words, true).await,
    }
}

async fn postgres_hits<C: ConnectionTrait>(db: &C, query: &str, words: &[String]) -> AppResult<Vec<Hit>> {
    // Each word must match: as a word (tsvector), as a substring (trigram index, any script),
    // or nearly (trigram word similarity, for typos).
    let mut conditions = Vec::new();
    let mut values: Vec<sea_orm::Value> = vec![query.to_owned().into()];
    for word in words {
        values.push(word.clone().into());
        let w = values.len();
        values.push(like_pattern(word).into());
        let p = values.len();
        conditions.push(format!(
            "(search_vector @@ plainto_tsquery('simple', ${w}) OR document ILIKE ${p})"
        ));
    }
    let sql = format!(
        "SELECT cluster_id, (ts_rank(search_vector, plainto_tsquery('simple', $1)) + word_similarity($1, document)) AS score \
         FROM cluster_search WHERE {} ORDER BY score DESC, cluster_id LIMIT {MAX_HITS}",
        conditions.join(" AND ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Hit {
                cluster_id: row.try_get::<Uuid>("", "cluster_id")?,
                score: row
                    .try_get::<f64>("", "score")
                    .or_else(|_| row.try_get::<f32>("", "score").map(f64::from))?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(AppError::from)
}

/// Candidates that share trigrams with the words (through the trigram index, with a low
/// word-similarity threshold for this transaction only), kept when every word nearly appears.
async fn postgres_fuzzy<C: ConnectionTrait + TransactionTrait>(db: &C, words: &[String]) -> AppResult<Vec<Hit>> {
    let txn = db.begin().await?;
    txn.execute_unprepared("SET LOCAL pg_trgm.word_similarity_threshold = 0.3")
        .await?;
    let mut conditions = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    for word in words.iter().filter(|w| typos_allowed(w) > 0) {
        values.push(word.clone().into());
        conditions.push(format!("${} <% document", values.len()));
    }
    let sql = format!(
        "SELECT cluster_id, document FROM cluster_search WHERE {} LIMIT {}",
        conditions.join(" OR "),
        5 * MAX_HITS
    );
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values))
        .await?;
    txn.commit().await?;
    let mut hits = Vec::new();
    for row in rows {
        let document: String = row.try_get("", "document")?;
        let document = document.to_lowercase();
        if words.iter().all(|w| fuzzy_contains(&document, w)) {
            let matched = words.iter().filter(|w| document.contains(w.as_str())).count();
            hits.push(Hit {
                cluster_id: row.try_get("", "cluster_id")?,
                score: matched as f64,
            });
        }
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.cluster_id.cmp(&b.cluster_id)));
    hits.truncate(MAX_HITS);
    Ok(hits)
}

async fn sqlite_search<C: ConnectionTrait>(db: &C, words: &[String], fuzzy: bool) -> AppResult<Vec<Hit>> {
    let mut match_terms = Vec::new();
    let mut likes = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    for word in words {
        if word.chars().count() >= 3 {
            if fuzzy {
                let grams: Vec<String> = trigrams(word)
                    .into_iter()
                    .map(|g| format!("\"{}\"", g.replace('"', "\"\"")))
                    .collect();
                match_terms.push(format!("({})", grams.join(" OR ")));
            } else {
                match_terms.push(format!("\"{}\"", word.replace('"', "\"\"")));
            }
        } else {
            likes.push("document LIKE ? ESCAPE '\\'".to_owned());
            values.push(like_pattern(word).into());
        }
    }
    let mut conditions = Vec::new();
    let mut all_values = Vec::new();
    if !match_terms.is_empty() {
        conditions.push("cluster_search_fts MATCH ?".to_owned());
        all_values.push(sea_orm::Value::from(match_terms.join(" AND ")));
    }
    conditions.extend(likes);
    all_values.extend(values);
    let rank = if match_terms.is_empty() {
        "0.0"
    } else {
        "bm25(cluster_search_fts)"
    };
    let limit = if fuzzy { 5 * MAX_HITS } else { MAX_HITS };
    let sql = format!(
        "SELECT cluster_id, {rank} AS rank, document FROM cluster_search_fts WHERE {} ORDER BY rank, cluster_id LIMIT {limit}",
        conditions.join(" AND ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, all_values))
        .await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("", "cluster_id")?;
        let rank: f64 = row.try_get("", "rank")?;
        if fuzzy {
            let document: String = row.try_get("", "document")?;
            let document = document.to_lowercase();
            if !words.iter().all(|w| fuzzy_contains(&document, w)) {
                continue;
            }
        }
        let cluster_id = Uuid::parse_str(&id).map_err(AppError::internal)?;
        // bm25 is lower for better matches.
        hits.push(Hit {
            cluster_id,
            score: -rank,
        });
        if hits.len() == MAX_HITS {
            break;
        }
    }
    Ok(hits)
}

/// A short extract of `document` around the first match of `query`, the match in [brackets].
pub fn highlight(document: &str, query: &str) -> Option<String> {
    const CONTEXT: usize = 40;
    let lower = document.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; search char-wise to stay on boundaries.
    let doc_chars: Vec<char> = document.chars().collect();
    let lower_chars: Vec<char> = lower.chars().collect();
    if doc_chars.len() != lower_chars.len() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for word in words(query) {
        let w: Vec<char> = word.chars().collect();
        let found = find(&lower_chars, &w).map(|i| (i, w.len())).or_else(|| {
            // A typo: mark the longest trigram that does appear.
            trigrams(&word)
                .into_iter()
                .filter_map(|g| {
                    let g: Vec<char> = g.chars().collect();
                    find(&lower_chars, &g).map(|i| (i, g.len()))
                })
                .min_by_key(|(i, _)| *i)
        });
        if let Some(f) = found {
            if best.is_none_or(|b| f.0 < b.0) {
                best = Some(f);
            }
        }
    }
    let (start, len) = best?;
    let from = start.saturating_sub(CONTEXT);
    let to = (start + len + CONTEXT).min(doc_chars.len());
    let text: String = [
        if from > 0 { "…" } else { "" }.to_owned(),
        doc_chars[from..start].iter().collect(),
        "[".to_owned(),
        doc_chars[start..start + len].iter().collect(),
        "]".to_owned(),
        doc_chars[start + len..to].iter().collect(),
        if to < doc_chars.len() { "…" } else { "" }.to_owned(),
    ]
    .concat();
    Some(text)
}

fn find(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len()).find(|&i| haystack[i..i + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_within_one_edit_still_match() {
        assert!(
            fuzzy_contains("taiwan aerospace industry association", "aerospce"),
            "a letter missing"
        );
        assert!(
            fuzzy_contains("composites, avionics", "avoinics"),
            "two letters swapped"
        );
        assert!(fuzzy_contains("taiwan aerospace industry association", "aerospace"));
        assert!(!fuzzy_contains("taiwan printed circuit association", "aerospce"));
        assert!(!fuzzy_contains("tpca", "tpx"), "short words must match as typed");
    }

    #[test]
    fn highlights_mark_the_match() {
        let doc = "Taiwan Aerospace Industry Association · 台灣區航太工業同業公會 · TAIA";
        assert_eq!(
            highlight(doc, "航太").as_deref(),
            Some("…wan Aerospace Industry Association · 台灣區[航太]工業同業公會 · TAIA")
        );
        let typo = highlight(doc, "aerospce").unwrap();
        assert!(typo.contains("[Aer]"), "{typo}");
    }
}
