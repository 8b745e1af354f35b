//! Full-text search over cluster profiles, in the database's own engine. SQLite: FTS5 with the
//! trigram tokenizer, which finds any substring in any script (`航太`, `TPCA`, `space`).
//! PostgreSQL: a tsvector GIN index, which finds words and word beginnings (`aero` finds
//! `aerospace`), and CJK text through its bigrams (`航太` in `台灣區航太工業同業公會`). On both, a
//! word with a typo (`aerospce`) is corrected against the vocabulary of the documents (with
//! pg_trgm's index on PostgreSQL) and searched again.
//!
//! Where the engines differ, `sqlite` and `postgres` hold each one's SQL; `highlight` marks the
//! match in a hit's document for both.

mod highlight;
mod postgres;
mod sqlite;

pub(crate) use sqlite::like_pattern;

use std::collections::HashMap;

use entity::{cluster, cluster_search, cluster_technology, member, search_term};
use sea_orm::{
    sea_query::{Expr, ExprTrait, SelectStatement, SimpleExpr},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

pub use self::{highlight::highlight, sqlite::forget_fts};
use super::cluster::lists;
use crate::error::{AppError, AppResult};

/// The text a cluster is found by: its description in every language it has.
pub fn document(
    cluster: &cluster::Model,
    translations: &[String],
    technologies: &[String],
    member_names: &[String],
) -> String {
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
    parts.extend(translations.iter().map(String::as_str));
    let members = member_names.join(", ");
    if !members.is_empty() {
        parts.push(&members);
    }
    parts.join(" · ")
}

/// Rebuilds a cluster's search document; call it in the transaction of the write that changed it.
pub async fn reindex<C: ConnectionTrait>(db: &C, cluster_id: Uuid) -> AppResult<()> {
    reindex_many(db, &[cluster_id]).await
}

/// Rebuilds the search documents of `cluster_ids` (one statement per source, however many
/// clusters; the ids of one import batch, say), in the caller's transaction.
pub async fn reindex_many<C: ConnectionTrait>(db: &C, cluster_ids: &[Uuid]) -> AppResult<()> {
    if cluster_ids.is_empty() {
        return Ok(());
    }
    let clusters = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(cluster_ids.iter().copied()))
        .all(db)
        .await?;
    let mut technologies = lists::read::<cluster_technology::Entity, C>(db, cluster_ids).await?;
    let mut members: HashMap<Uuid, Vec<String>> = HashMap::new();
    for m in member::Entity::find()
        .filter(member::Column::ClusterId.is_in(cluster_ids.iter().copied()))
        .order_by_asc(member::Column::Name)
        .all(db)
        .await?
    {
        members.entry(m.cluster_id).or_default().push(m.name);
    }
    let mut translations: HashMap<Uuid, Vec<String>> = HashMap::new();
    for t in super::cluster::translations_of_many(db, cluster_ids).await? {
        translations.entry(t.cluster_id).or_default().push(t.description);
    }
    let documents = clusters
        .iter()
        .map(|c| {
            let of = |map: &mut HashMap<Uuid, Vec<String>>| map.remove(&c.id).unwrap_or_default();
            (
                c.id,
                document(c, &of(&mut translations), &of(&mut technologies), &of(&mut members)),
            )
        })
        .collect();
    store_many(db, documents).await
}

/// Writes a search document (and, on SQLite, its FTS5 row).
pub async fn store<C: ConnectionTrait>(db: &C, cluster_id: Uuid, document: String) -> AppResult<()> {
    store_many(db, vec![(cluster_id, document)]).await
}

/// Writes the search documents of many clusters, replacing the ones they had: a fixed number of
/// statements for a batch (the ids in one IN list each, the rows in multi-row INSERTs).
pub async fn store_many<C: ConnectionTrait>(db: &C, documents: Vec<(Uuid, String)>) -> AppResult<()> {
    if documents.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = documents.iter().map(|(id, _)| *id).collect();
    cluster_search::Entity::delete_many()
        .filter(cluster_search::Column::ClusterId.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    let vocabulary: std::collections::BTreeSet<String> = documents.iter().flat_map(|(_, d)| terms(d)).collect();
    let rows = documents
        .into_iter()
        .map(|(cluster_id, document)| cluster_search::ActiveModel {
            cluster_id: Set(cluster_id),
            document: Set(document),
        })
        .collect();
    super::bulk::insert_chunks(db, rows).await?;
    remember_terms(db, vocabulary).await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        sqlite::store_fts(db, &ids).await?;
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

fn words(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .filter(|w| !w.is_empty())
        .take(8)
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

/// A text query made ready for SQL: every word must match, through one of its alternatives (the
/// word as typed, or the vocabulary's corrections of a typo).
#[derive(Debug, Clone)]
pub struct TextQuery {
    backend: DatabaseBackend,
    words: Vec<Vec<String>>,
}

impl TextQuery {
    /// [`TextQuery::resolve`] for a filter's optional query.
    pub async fn resolve_optional<C: ConnectionTrait>(db: &C, query: Option<&str>) -> AppResult<Option<TextQuery>> {
        match query {
            Some(q) => Ok(Some(TextQuery::resolve(db, q).await?)),
            None => Ok(None),
        }
    }

    /// Reads the words of `query`. When no document contains them as typed, each word of four
    /// letters or more is replaced by its closest words in the search vocabulary.
    pub async fn resolve<C: ConnectionTrait>(db: &C, query: &str) -> AppResult<TextQuery> {
        let backend = db.get_database_backend();
        if !matches!(backend, DatabaseBackend::Postgres | DatabaseBackend::Sqlite) {
            return Err(AppError::internal(format!(
                "text search does not support the database {backend:?}"
            )));
        }
        let words = words(query);
        let as_typed = TextQuery {
            backend,
            words: words.iter().map(|w| vec![w.clone()]).collect(),
        };
        if words.is_empty() || words.iter().all(|w| typos_allowed(w) == 0) || as_typed.finds_any(db).await? {
            return Ok(as_typed);
        }
        let mut corrected = Vec::with_capacity(words.len());
        for word in &words {
            corrected.push(corrections(db, word).await?);
        }
        Ok(TextQuery {
            backend,
            words: corrected,
        })
    }

    async fn finds_any<C: ConnectionTrait>(&self, db: &C) -> AppResult<bool> {
        let statement = self.backend.build(self.matching_ids().limit(1));
        let row = db.query_one_raw(statement).await?;
        Ok(row.is_some())
    }

    /// `SELECT cluster_id` of the matching documents.
    fn matching_ids(&self) -> SelectStatement {
        match self.backend {
            DatabaseBackend::Postgres => self.postgres_matching_ids(),
            _ => self.sqlite_matching_ids(),
        }
    }

    /// `cluster.id IN (clusters whose document matches)`, to combine with other filters.
    pub fn condition(&self) -> SimpleExpr {
        Expr::col((cluster::Entity, cluster::Column::Id)).in_subquery(self.matching_ids())
    }

    /// `SELECT cluster_id, score` of the matching documents, higher scores for better matches,
    /// to join with `cluster` for a list ordered by relevance.
    ///
    /// `among` (`SELECT id` of the clusters a selective filter leaves) narrows the matches to
    /// those clusters, and the work to their documents whatever the words: common words are
    /// the slow ones otherwise (`robotics` is in 92% of synthetic profiles, and the planner
    /// cannot tell that `circular economy` is ten times as common as its words suggest).
    /// PostgreSQL looks each candidate's document up; SQLite tests each full-text hit against
    /// the candidates before FTS5 scores it.
    pub fn ranked_matches(&self, among: Option<SelectStatement>) -> SelectStatement {
        match self.backend {
            DatabaseBackend::Postgres => self.postgres_ranked_matches(among),
            _ => self.sqlite_ranked_matches(among),
        }
    }
}

/// The word itself when it is too short or not alphabetic to correct, else up to five words of
/// the vocabulary within its typo allowance, closest first (none when nothing is close).
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
    let mut candidates: Vec<String> = search_term::Entity::find()
        .filter(search_term::Column::Term.gte(first.to_string()))
        .filter(search_term::Column::Term.lt(next.to_string()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.term)
        .collect();
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // pg_trgm's index also finds words whose first letter is the one mistyped.
        candidates.extend(postgres::similar_terms(db, word).await?);
        candidates.sort();
        candidates.dedup();
    }
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .filter(|t| t.chars().count().abs_diff(length) <= allowed)
        .map(|t| (strsim::damerau_levenshtein(&t, word), t))
        .filter(|(d, _)| *d <= allowed)
        .collect();
    scored.sort();
    Ok(scored.into_iter().take(5).map(|(_, t)| t).collect())
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
}
