//! SQLite's side of text search: FTS5 with the trigram tokenizer, kept beside `cluster_search` in
//! a contentless table whose rowids a key table maps to clusters, and LIKE for words too short
//! for trigrams.

use sea_orm::{
    sea_query::{Alias, Condition, Expr, ExprTrait, JoinType, Query, SelectStatement, SimpleExpr},
    ConnectionTrait, DatabaseBackend, Statement,
};
use uuid::Uuid;

use super::TextQuery;
use crate::error::AppResult;

/// Writes the FTS5 rows of `cluster_ids` from their `cluster_search` documents (written just
/// before), replacing the ones they had: a key for each, then the index rows, three statements
/// past the removal however many clusters.
pub(super) async fn store_fts<C: ConnectionTrait>(db: &C, cluster_ids: &[Uuid]) -> AppResult<()> {
    forget_fts_many(db, cluster_ids).await?;
    let marks = vec!["(?)"; cluster_ids.len()].join(", ");
    let values: Vec<sea_orm::Value> = cluster_ids.iter().map(|id| (*id).into()).collect();
    db.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        format!("INSERT INTO cluster_search_fts_key (cluster_id) VALUES {marks}"),
        values.clone(),
    ))
    .await?;
    let marks = vec!["?"; cluster_ids.len()].join(", ");
    db.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        format!(
            "INSERT INTO cluster_search_fts (rowid, document) SELECT k.fts_rowid, s.document \
             FROM cluster_search_fts_key k JOIN cluster_search s ON s.cluster_id = k.cluster_id \
             WHERE k.cluster_id IN ({marks})"
        ),
        values,
    ))
    .await?;
    Ok(())
}

/// Removes a cluster's row from the SQLite FTS5 index, which foreign keys do not reach.
pub async fn forget_fts<C: ConnectionTrait>(db: &C, cluster_id: Uuid) -> AppResult<()> {
    forget_fts_many(db, &[cluster_id]).await
}

async fn forget_fts_many<C: ConnectionTrait>(db: &C, cluster_ids: &[Uuid]) -> AppResult<()> {
    if db.get_database_backend() != DatabaseBackend::Sqlite || cluster_ids.is_empty() {
        return Ok(());
    }
    let marks = vec!["?"; cluster_ids.len()].join(", ");
    let values: Vec<sea_orm::Value> = cluster_ids.iter().map(|id| (*id).into()).collect();
    for sql in [
        format!(
            "DELETE FROM cluster_search_fts WHERE rowid IN \
             (SELECT fts_rowid FROM cluster_search_fts_key WHERE cluster_id IN ({marks}))"
        ),
        format!("DELETE FROM cluster_search_fts_key WHERE cluster_id IN ({marks})"),
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            sql,
            values.clone(),
        ))
        .await?;
    }
    Ok(())
}

/// A LIKE pattern (with `ESCAPE '\\'`) that finds `word` anywhere, its wildcards taken literally.
pub(crate) fn like_pattern(word: &str) -> String {
    format!(
        "%{}%",
        word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    )
}

impl TextQuery {
    /// `SELECT cluster_id` of the matching documents, driven by the FTS5 index (a rowid IN-list
    /// against it would run the search again for every row); the key table turns its rowids
    /// into clusters.
    pub(super) fn sqlite_matching_ids(&self) -> SelectStatement {
        match self.fts5_expression() {
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
        }
    }

    /// `SELECT cluster_id, score` for [`TextQuery::ranked_matches`]: each full-text hit is tested
    /// against `among` before FTS5 scores it.
    pub(super) fn sqlite_ranked_matches(&self, among: Option<SelectStatement>) -> SelectStatement {
        let cluster_id_among = |column: &'static str, among: SelectStatement| Expr::cust(column).in_subquery(among);
        match self.fts5_expression() {
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
