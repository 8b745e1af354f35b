//! Full-text search over cluster profiles, in the database's own engine: FTS5 with the trigram
//! tokenizer on SQLite, tsvector plus pg_trgm on PostgreSQL. Both find substrings in any script
//! (`航太`, `TPCA`), whole words, and words with a typo (`aerospce`).

use std::collections::HashSet;

use entity::{cluster, cluster_search, cluster_technology, member, search_term};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
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
    remember_terms(db, terms(&document)).await?;
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

/// The words of a document worth correcting a typo towards: letters only, 4–40 characters.
pub fn terms(document: &str) -> std::collections::BTreeSet<String> {
    document
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| (4..=40).contains(&w.chars().count()))
        .map(str::to_lowercase)
        .collect()
}

/// Adds words to the search vocabulary; known ones are kept as they are.
pub async fn remember_terms<C: ConnectionTrait>(db: &C, terms: impl IntoIterator<Item = String>) -> AppResult<()> {
    let rows: Vec<search_term::ActiveModel> = terms
        .into_iter()
        .map(|t| search_term::ActiveModel { term: Set(t) })
        .collect();
    for chunk in rows.chunks(5_000) {
        search_term::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing()
            .exec(db)
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

/// Clusters whose search document matches every word of `query`, best first.
pub async fn hits<C: ConnectionTrait>(db: &C, query: &str) -> AppResult<Vec<Hit>> {
    let words = words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let as_typed: Vec<Vec<String>> = words.iter().map(|w| vec![w.clone()]).collect();
    let exact = search_alternatives(db, &as_typed).await?;
    if !exact.is_empty() || words.iter().all(|w| typos_allowed(w) == 0) {
        return Ok(exact);
    }
    // Nothing as typed: correct each word towards words the documents use, then search again.
    let mut corrected = Vec::with_capacity(words.len());
    for word in &words {
        let alternatives = corrections(db, word).await?;
        if alternatives.is_empty() {
            return Ok(Vec::new());
        }
        corrected.push(alternatives);
    }
    search_alternatives(db, &corrected).await
}

/// The word itself when it is too short or not alphabetic to correct, else up to five words of
/// the vocabulary within its typo allowance, closest first.
async fn corrections<C: ConnectionTrait>(db: &C, word: &str) -> AppResult<Vec<String>> {
    let allowed = typos_allowed(word);
    if allowed == 0 || !word.chars().all(char::is_alphabetic) {
        return Ok(vec![word.to_owned()]);
    }
    let Some(first) = word.chars().next() else {
        return Ok(Vec::new());
    };
    let next = char::from_u32(first as u32 + 1).unwrap_or(first);
    let length = word.chars().count();
    // A typo rarely hits the first letter; that keeps the comparison to one slice of the vocabulary.
    let candidates = search_term::Entity::find()
        .filter(search_term::Column::Term.gte(first.to_string()))
        .filter(search_term::Column::Term.lt(next.to_string()))
        .all(db)
        .await?;
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .map(|t| t.term)
        .filter(|t| t.chars().count().abs_diff(length) <= allowed)
        .map(|t| (strsim::damerau_levenshtein(&t, word), t))
        .filter(|(d, _)| *d <= allowed)
        .collect();
    scored.sort();
    Ok(scored.into_iter().take(5).map(|(_, t)| t).collect())
}

/// Clusters whose document matches, for every word, one of its alternatives.
async fn search_alternatives<C: ConnectionTrait>(db: &C, words: &[Vec<String>]) -> AppResult<Vec<Hit>> {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres_hits(db, words).await,
        DatabaseBackend::Sqlite => sqlite_hits(db, words).await,
        _ => Err(AppError::Internal),
    }
}

async fn postgres_hits<C: ConnectionTrait>(db: &C, words: &[Vec<String>]) -> AppResult<Vec<Hit>> {
    // Each word must match: as a word (tsvector) or as a substring (trigram index, any script).
    let mut conditions = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut rank_terms = Vec::new();
    for alternatives in words {
        let mut any = Vec::new();
        for word in alternatives {
            values.push(word.clone().into());
            let w = values.len();
            values.push(like_pattern(word).into());
            let p = values.len();
            any.push(format!(
                "search_vector @@ plainto_tsquery('simple', ${w}) OR document ILIKE ${p}"
            ));
            rank_terms.push(format!("ts_rank(search_vector, plainto_tsquery('simple', ${w}))"));
        }
        conditions.push(format!("({})", any.join(" OR ")));
    }
    let sql = format!(
        "SELECT cluster_id, ({})::float8 AS score FROM cluster_search WHERE {} ORDER BY score DESC, cluster_id LIMIT {MAX_HITS}",
        rank_terms.join(" + "),
        conditions.join(" AND ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Hit {
                cluster_id: row.try_get::<Uuid>("", "cluster_id")?,
                score: row.try_get::<f64>("", "score")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(AppError::from)
}

async fn sqlite_hits<C: ConnectionTrait>(db: &C, words: &[Vec<String>]) -> AppResult<Vec<Hit>> {
    // Every word as a substring: FTS5 trigram phrases for three characters and more, LIKE on the
    // same table for shorter words such as 航太.
    let quote = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
    let mut match_terms = Vec::new();
    let mut likes = Vec::new();
    let mut like_values: Vec<sea_orm::Value> = Vec::new();
    for alternatives in words {
        if alternatives.iter().all(|w| w.chars().count() >= 3) {
            let any: Vec<String> = alternatives.iter().map(|w| quote(w)).collect();
            match_terms.push(format!("({})", any.join(" OR ")));
        } else {
            let any: Vec<&str> = alternatives.iter().map(|_| "document LIKE ? ESCAPE '\\'").collect();
            likes.push(format!("({})", any.join(" OR ")));
            like_values.extend(alternatives.iter().map(|w| sea_orm::Value::from(like_pattern(w))));
        }
    }
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    if !match_terms.is_empty() {
        conditions.push("cluster_search_fts MATCH ?".to_owned());
        values.push(sea_orm::Value::from(match_terms.join(" AND ")));
    }
    conditions.extend(likes);
    values.extend(like_values);
    let rank = if match_terms.is_empty() {
        "0.0"
    } else {
        "bm25(cluster_search_fts)"
    };
    let sql = format!(
        "SELECT cluster_id, {rank} AS rank FROM cluster_search_fts WHERE {} ORDER BY rank, cluster_id LIMIT {MAX_HITS}",
        conditions.join(" AND ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values))
        .await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("", "cluster_id")?;
        let rank: f64 = row.try_get("", "rank")?;
        // bm25 is lower for better matches.
        hits.push(Hit {
            cluster_id: Uuid::parse_str(&id).map_err(AppError::internal)?,
            score: -rank,
        });
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
    fn the_vocabulary_holds_words_worth_correcting() {
        let words: Vec<String> = terms("Taiwan Aerospace Industry · 台灣區航太工業同業公會 · TAIA · 5G · 2001")
            .into_iter()
            .collect();
        assert_eq!(
            words,
            ["aerospace", "industry", "taia", "taiwan", "台灣區航太工業同業公會"]
        );
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
