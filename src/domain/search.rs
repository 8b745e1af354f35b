//! Full-text search over cluster profiles, in the database's own engine. SQLite: FTS5 with the
//! trigram tokenizer, which finds any substring in any script (`航太`, `TPCA`, `space`).
//! PostgreSQL: a tsvector GIN index, which finds words and word beginnings (`aero` finds
//! `aerospace`), and CJK text through its bigrams (`航太` in `台灣區航太工業同業公會`). On both, a
//! word with a typo (`aerospce`) is corrected against the vocabulary of the documents (with
//! pg_trgm's index on PostgreSQL) and searched again.

use std::collections::HashSet;

use entity::{cluster, cluster_search, cluster_technology, member, search_term};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement, SimpleExpr},
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

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
            "INSERT INTO cluster_search_fts_key (cluster_id) VALUES (?)",
            [cluster_id.into()],
        ))
        .await?;
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "INSERT INTO cluster_search_fts (rowid, document) \
             SELECT fts_rowid, ? FROM cluster_search_fts_key WHERE cluster_id = ?",
            [document.into(), cluster_id.into()],
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

/// Removes a cluster's row from the SQLite FTS5 index, which foreign keys do not reach.
pub async fn forget_fts<C: ConnectionTrait>(db: &C, cluster_id: Uuid) -> AppResult<()> {
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        for sql in [
            "DELETE FROM cluster_search_fts WHERE rowid IN \
             (SELECT fts_rowid FROM cluster_search_fts_key WHERE cluster_id = ?)",
            "DELETE FROM cluster_search_fts_key WHERE cluster_id = ?",
        ] {
            db.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                sql,
                [cluster_id.into()],
            ))
            .await?;
        }
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

/// Scripts written without spaces, whose runs PostgreSQL indexes as bigrams (see the migration
/// `discovery_speed`); the ranges are the same as there.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0xac00..=0xd7af)
}

/// One query word in PostgreSQL's tsquery syntax: word beginnings for letters and digits, a
/// phrase of bigrams for CJK text. Only letters and digits reach the query text, so it needs no
/// quoting beyond the quotes around each lexeme. `None` for a word of punctuation only.
fn tsquery_word(word: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut run = String::new();
    let mut run_is_cjk = false;
    let flush = |run: &mut String, cjk: bool, parts: &mut Vec<String>| {
        if run.is_empty() {
            return;
        }
        let chars: Vec<char> = run.chars().collect();
        if cjk && chars.len() >= 2 {
            let bigrams: Vec<String> = chars
                .windows(2)
                .map(|pair| format!("'{}{}'", pair[0], pair[1]))
                .collect();
            parts.push(format!("({})", bigrams.join(" <-> ")));
        } else {
            parts.push(format!("'{run}':*"));
        }
        run.clear();
    };
    for c in word.chars() {
        if !c.is_alphanumeric() {
            flush(&mut run, run_is_cjk, &mut parts);
            continue;
        }
        if is_cjk(c) != run_is_cjk {
            flush(&mut run, run_is_cjk, &mut parts);
            run_is_cjk = is_cjk(c);
        }
        run.extend(c.to_lowercase());
    }
    flush(&mut run, run_is_cjk, &mut parts);
    (!parts.is_empty()).then(|| parts.join(" & "))
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
            return Err(AppError::internal(format!("no text search on {backend:?}")));
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
            DatabaseBackend::Postgres => Query::select()
                .column(Alias::new("cluster_id"))
                .from(Alias::new("cluster_search"))
                .and_where(self.postgres_match())
                .to_owned(),
            // Driven by the FTS5 index (a rowid IN-list against it would run the search again for
            // every row); the key table turns its rowids into clusters.
            _ => match self.fts5_expression() {
                Some(expression) => {
                    let mut select = Query::select()
                        .column((Alias::new("fts_key"), Alias::new("cluster_id")))
                        .from(Alias::new("cluster_search_fts"))
                        .join_as(
                            JoinType::InnerJoin,
                            Alias::new("cluster_search_fts_key"),
                            Alias::new("fts_key"),
                            Expr::cust("fts_key.fts_rowid = cluster_search_fts.rowid"),
                        )
                        .and_where(Expr::cust_with_values("cluster_search_fts MATCH ?", [expression]))
                        .to_owned();
                    self.sqlite_short_words_on_hits(&mut select);
                    select
                }
                None => self.sqlite_like_ids(),
            },
        }
    }

    /// The clusters whose documents hold the short words (every cluster when there are none).
    fn sqlite_like_ids(&self) -> SelectStatement {
        let mut select = Query::select()
            .column(Alias::new("cluster_id"))
            .from(Alias::new("cluster_search"))
            .to_owned();
        if let Some(likes) = self.sqlite_likes() {
            select.and_where(likes);
        }
        select
    }

    /// Narrows FTS5 hits (`fts_key.cluster_id`) to the short words, if there are any.
    fn sqlite_short_words_on_hits(&self, select: &mut SelectStatement) {
        if self.sqlite_likes().is_some() {
            select.and_where(Expr::cust("fts_key.cluster_id").in_subquery(self.sqlite_like_ids()));
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
        let cluster_id_among = |column: &'static str, among: SelectStatement| Expr::cust(column).in_subquery(among);
        let ts_rank = || {
            Expr::cust_with_values(
                "ts_rank(cluster_search.search_vector, to_tsquery('simple', $1))::float8",
                [self.tsquery()],
            )
        };
        match self.backend {
            DatabaseBackend::Postgres => match among {
                None => self.matching_ids().expr_as(ts_rank(), Alias::new("score")).to_owned(),
                // The OFFSET keeps the planner from turning the lookups back into a join, which
                // it may drive from the full-text index.
                Some(among) => Query::select()
                    .expr_as(Expr::cust("candidate.id"), Alias::new("cluster_id"))
                    .column((Alias::new("candidate_match"), Alias::new("score")))
                    .from_subquery(among, Alias::new("candidate"))
                    .join_lateral(
                        JoinType::InnerJoin,
                        Query::select()
                            .expr_as(ts_rank(), Alias::new("score"))
                            .from(Alias::new("cluster_search"))
                            .and_where(Expr::cust("cluster_search.cluster_id = candidate.id"))
                            .and_where(self.postgres_match())
                            .offset(0)
                            .to_owned(),
                        Alias::new("candidate_match"),
                        Expr::cust("TRUE"),
                    )
                    .to_owned(),
            },
            _ => match self.fts5_expression() {
                // bm25 only works in a query of the FTS5 table itself (lower is better); the
                // contentless table knows rowids, which the key table turns into clusters.
                Some(expression) => {
                    let mut scored = Query::select()
                        .expr_as(Expr::cust("rowid"), Alias::new("fts_rowid"))
                        .expr_as(Expr::cust("-bm25(cluster_search_fts)"), Alias::new("score"))
                        .from(Alias::new("cluster_search_fts"))
                        .and_where(Expr::cust_with_values("cluster_search_fts MATCH ?", [expression]))
                        .to_owned();
                    if let Some(among) = among {
                        // `+rowid`: a plain test on each hit. As a constraint on the FTS5 table
                        // it would run the search once per listed row.
                        scored.and_where(
                            Expr::cust("+rowid").in_subquery(
                                Query::select()
                                    .column(Alias::new("fts_rowid"))
                                    .from(Alias::new("cluster_search_fts_key"))
                                    .and_where(cluster_id_among("cluster_id", among))
                                    .to_owned(),
                            ),
                        );
                    }
                    let mut select = Query::select()
                        .column((Alias::new("fts_key"), Alias::new("cluster_id")))
                        .column((Alias::new("fts_match"), Alias::new("score")))
                        .from_subquery(scored, Alias::new("fts_match"))
                        .join_as(
                            JoinType::InnerJoin,
                            Alias::new("cluster_search_fts_key"),
                            Alias::new("fts_key"),
                            Expr::cust("fts_key.fts_rowid = fts_match.fts_rowid"),
                        )
                        .to_owned();
                    self.sqlite_short_words_on_hits(&mut select);
                    // A LIMIT keeps SQLite from flattening this into the outer query, where it may
                    // start from the filters and run the full-text search again for every row.
                    select.limit(i64::MAX as u64);
                    select
                }
                // Only words too short for trigrams: every hit ranks alike.
                None => {
                    let mut select = self
                        .sqlite_like_ids()
                        .expr_as(Expr::cust("0.0"), Alias::new("score"))
                        .to_owned();
                    if let Some(among) = among {
                        select.and_where(cluster_id_among("cluster_search.cluster_id", among));
                    }
                    select
                }
            },
        }
    }

    fn tsquery(&self) -> String {
        let words: Vec<String> = self
            .words
            .iter()
            .filter_map(|alternatives| {
                let any: Vec<String> = alternatives.iter().filter_map(|w| tsquery_word(w)).collect();
                (!any.is_empty()).then(|| format!("({})", any.join(" | ")))
            })
            .collect();
        words.join(" & ")
    }

    /// The match on the PostgreSQL search row itself (`cluster_search.search_vector`), also for
    /// queries that read the search rows rather than `cluster`.
    pub fn postgres_match(&self) -> SimpleExpr {
        let tsquery = self.tsquery();
        if tsquery.is_empty() {
            return Expr::cust("FALSE");
        }
        Expr::cust_with_values("cluster_search.search_vector @@ to_tsquery('simple', $1)", [tsquery])
    }

    /// FTS5 phrases for the words of three characters and more (the trigram tokenizer's minimum).
    fn fts5_expression(&self) -> Option<String> {
        let quote = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
        let terms: Vec<String> = self
            .words
            .iter()
            .filter(|alternatives| alternatives.iter().all(|w| w.chars().count() >= 3))
            .map(|alternatives| {
                let any: Vec<String> = alternatives.iter().map(|w| quote(w)).collect();
                format!("({})", any.join(" OR "))
            })
            .collect();
        (!terms.is_empty()).then(|| terms.join(" AND "))
    }

    /// LIKE on the documents for the words too short for trigrams, such as 航太 (`None` when
    /// there are none; always false when a word has no alternatives left).
    fn sqlite_likes(&self) -> Option<SimpleExpr> {
        if self.words.is_empty() || self.words.iter().any(Vec::is_empty) {
            return Some(Expr::cust("0"));
        }
        let mut all = Condition::all();
        for alternatives in self.words.iter().filter(|a| a.iter().any(|w| w.chars().count() < 3)) {
            let mut any = Condition::any();
            for word in alternatives {
                any = any.add(Expr::cust_with_values(
                    "cluster_search.document LIKE ? ESCAPE '\\'",
                    [like_pattern(word)],
                ));
            }
            all = all.add(any);
        }
        (!all.is_empty()).then(|| all.into())
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
        let similar = db
            .query_all_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT term FROM search_term WHERE term % $1 ORDER BY similarity(term, $1) DESC LIMIT 50",
                [word.into()],
            ))
            .await?;
        for row in similar {
            candidates.push(row.try_get::<String>("", "term")?);
        }
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
