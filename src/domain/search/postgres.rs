//! PostgreSQL's side of text search: a tsvector GIN index on the search row, queried with word
//! beginnings and CJK bigrams, ranked by ts_rank; pg_trgm's index for typo corrections.

use sea_orm::{
    sea_query::{Alias, Expr, JoinType, Query, SelectStatement, SimpleExpr},
    ConnectionTrait, DatabaseBackend, Statement,
};

use super::TextQuery;
use crate::error::AppResult;

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

impl TextQuery {
    /// `SELECT cluster_id` of the matching documents.
    pub(super) fn postgres_matching_ids(&self) -> SelectStatement {
        Query::select()
            .column(Alias::new("cluster_id"))
            .from(Alias::new("cluster_search"))
            .and_where(self.postgres_match())
            .to_owned()
    }

    /// `SELECT cluster_id, score` for [`TextQuery::ranked_matches`]: each candidate of `among`
    /// has its document looked up.
    pub(super) fn postgres_ranked_matches(&self, among: Option<SelectStatement>) -> SelectStatement {
        let ts_rank = || {
            Expr::cust_with_values(
                "ts_rank(cluster_search.search_vector, to_tsquery('simple', $1))::float8",
                [self.tsquery()],
            )
        };
        match among {
            None => self
                .postgres_matching_ids()
                .expr_as(ts_rank(), Alias::new("score"))
                .to_owned(),
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
}

/// Up to 50 words of the vocabulary that pg_trgm finds similar to `word`, also those whose first
/// letter is the one mistyped.
pub(super) async fn similar_terms<C: ConnectionTrait>(db: &C, word: &str) -> AppResult<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT term FROM search_term WHERE term % $1 ORDER BY similarity(term, $1) DESC LIMIT 50",
            [word.into()],
        ))
        .await?;
    let mut terms = Vec::with_capacity(rows.len());
    for row in rows {
        terms.push(row.try_get::<String>("", "term")?);
    }
    Ok(terms)
}
