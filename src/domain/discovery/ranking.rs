//! Text matches in relevance order: one statement ranks and counts them, either among the
//! clusters a selective filter leaves or over every match, filtered after.

use std::collections::HashMap;

use entity::cluster;
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::{filter::candidates, ClusterList};
use crate::{
    domain::{
        pagination::{OffsetRequest, PageRequest},
        search::TextQuery,
    },
    error::AppResult,
};

/// A text match in relevance order, with the number of matches in all.
#[derive(FromQueryResult)]
struct RankedMatch {
    id: Uuid,
    total: i64,
}

/// Up to this many clusters left by a filter, a ranked search looks only at their documents
/// (see [`TextQuery::ranked_matches`]): a bounded cost, where ranking every match of a common
/// word is not. Past it, the full-text index finds the matches and the filter sorts them out.
const FEW_CANDIDATES: u64 = 5_000;

/// Whether the clusters under `condition` are few enough to rank text matches among them only.
/// Counting stops past the threshold, so a loose filter costs little to rule out.
async fn narrow_before_scoring<C: ConnectionTrait>(db: &C, condition: &Condition) -> AppResult<bool> {
    let backend = db.get_database_backend();
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("count"))
        .from_subquery(
            candidates(condition).limit(FEW_CANDIDATES + 1).to_owned(),
            Alias::new("candidate"),
        )
        .to_owned();
    let count: i64 = match db.query_one_raw(backend.build(&count)).await? {
        Some(row) => row.try_get("", "count")?,
        None => 0,
    };
    Ok(count <= FEW_CANDIDATES as i64)
}

/// A page of text matches, best first. One statement ranks the matches under the filter and
/// counts them (a window count), so the page and `totalCount` agree.
pub(super) async fn ranked<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    text: &TextQuery,
    request: &PageRequest,
) -> AppResult<ClusterList> {
    let narrow = narrow_before_scoring(db, &condition).await?;
    ranked_with(db, condition, text, request, narrow).await
}

/// [`ranked`] with the plan chosen: `narrow` scores only the matches among the candidates.
async fn ranked_with<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    text: &TextQuery,
    request: &PageRequest,
    narrow: bool,
) -> AppResult<ClusterList> {
    let (among, rows_condition) = if narrow {
        // Matches narrowed to the candidates need no second test of the filter.
        (Some(candidates(&condition)), Condition::all())
    } else {
        (None, condition.clone())
    };
    let rows_of = |start: usize, end: usize| {
        let mut select = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .filter(rows_condition.clone());
        let text_match = Alias::new("text_match");
        QuerySelect::query(&mut select)
            .join_subquery(
                JoinType::InnerJoin,
                text.ranked_matches(among.clone()),
                text_match.clone(),
                Expr::col((text_match.clone(), Alias::new("cluster_id")))
                    .equals((cluster::Entity, cluster::Column::Id)),
            )
            .expr_as(Expr::cust("count(*) OVER ()"), Alias::new("total"))
            .order_by((text_match, Alias::new("score")), Order::Desc)
            .order_by((cluster::Entity, cluster::Column::Id), Order::Asc)
            .limit((end - start) as u64)
            .offset(start as u64);
        select.into_model::<RankedMatch>().all(db)
    };
    let count = || {
        cluster::Entity::find()
            .filter(condition.clone().add(text.condition()))
            .count(db)
    };
    let (range, rows) = match OffsetRequest::of(request)? {
        OffsetRequest::Rows { start, end } => {
            let rows = if end > start {
                rows_of(start, end).await?
            } else {
                Vec::new()
            };
            let len = match rows.first() {
                Some(row) => usize::try_from(row.total).unwrap_or(0),
                // Nothing at this offset: the list may still have rows before it.
                None if start > 0 => count().await? as usize,
                None => 0,
            };
            (OffsetRequest::Rows { start, end }.within(len), rows)
        }
        last @ OffsetRequest::Last(_) => {
            let range = last.within(count().await? as usize);
            let rows = if range.limit() > 0 {
                rows_of(range.start, range.end).await?
            } else {
                Vec::new()
            };
            (range, rows)
        }
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut models: HashMap<Uuid, cluster::Model> = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let ordered: Vec<cluster::Model> = ids.iter().filter_map(|id| models.remove(id)).collect();
    Ok(ClusterList {
        page: range.page(ordered),
        total: range.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::taxonomy::Ecosystem;

    use super::super::ClusterFilter;
    use crate::{db, domain::policy::Visibility, seed, testing::TestDatabase};

    /// Both plans of a ranked search (matches narrowed to the candidates, or ranked first and
    /// filtered after) give the same pages and totals. At demo scale every filter is selective
    /// enough to narrow.
    #[tokio::test]
    async fn narrowed_and_filtered_ranking_agree() {
        let database = TestDatabase::create().await.expect("a test database");
        let db = db::connect(&database.url, 2).await.expect("connect");
        db::migrate(&db).await.expect("migrate");
        seed::load_demo_data(&db, seed::DemoAccounts::Skip)
            .await
            .expect("demo data");
        let visibility = Visibility::public();
        let filters = [
            ClusterFilter::default(),
            ClusterFilter {
                countries: vec!["TW".into()],
                ..Default::default()
            },
            ClusterFilter {
                ecosystems: vec![Ecosystem::AerospaceDefence, Ecosystem::Electronics],
                ..Default::default()
            },
        ];
        let pages = [
            PageRequest {
                first: Some(2),
                ..Default::default()
            },
            PageRequest {
                last: Some(1),
                ..Default::default()
            },
        ];
        let mut matches_seen = 0;
        for query in ["aerospace", "航太", "circuit board", "aerospce"] {
            let text = TextQuery::resolve(&db, query).await.expect("query");
            for filter in &filters {
                let condition = filter.condition(&visibility, None, &[]);
                assert!(narrow_before_scoring(&db, &condition).await.expect("count"));
                for page in &pages {
                    let run = |narrow| ranked_with(&db, condition.clone(), &text, page, narrow);
                    let (narrowed, filtered) =
                        (run(true).await.expect("narrowed"), run(false).await.expect("filtered"));
                    let ids = |list: &ClusterList| list.page.items.iter().map(|(_, m)| m.id).collect::<Vec<_>>();
                    assert_eq!(ids(&narrowed), ids(&filtered), "{query} {filter:?}");
                    assert_eq!(narrowed.total, filtered.total, "{query} {filter:?}");
                    matches_seen += narrowed.total;
                }
            }
        }
        assert!(matches_seen > 10, "the cases must find something");
        db.close().await.expect("close");
        database.remove().await;
    }
}
