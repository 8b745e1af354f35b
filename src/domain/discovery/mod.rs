//! Finding partners: the cluster list with filters, text search and ordering, and facet counts
//! for filter UIs. Recommendations are in `recommendation`.
//!
//! `filter` turns the filter input into SQL, `ranking` orders text matches by relevance, `facets`
//! counts the values of each filter dimension.

mod facets;
mod filter;
mod ranking;

use std::collections::HashMap;

use entity::{cluster, cluster_search};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use self::ranking::ranked;
pub use self::{
    facets::{facets, FacetCount, Facets},
    filter::{ClusterFilter, Range},
};
use super::{
    pagination::{keyset_page, Keyset, Page, PageRequest, SortKey},
    policy::Visibility,
    search::{self, TextQuery},
};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterOrderField {
    /// Best text match first; only with a `query` (the default then).
    Relevance,
    Name,
    CreatedAt,
    UpdatedAt,
    MemberCount,
}

pub fn keyset(field: ClusterOrderField, ascending: bool) -> Keyset<cluster::Entity> {
    type KeyOf = fn(&cluster::Model) -> (SortKey, Uuid);
    let (name, column, key_of): (&'static str, cluster::Column, KeyOf) = match field {
        ClusterOrderField::Name | ClusterOrderField::Relevance => {
            ("NAME", cluster::Column::Name, |m| (SortKey::Text(m.name.clone()), m.id))
        }
        ClusterOrderField::CreatedAt => ("CREATED_AT", cluster::Column::CreatedAt, |m| {
            (SortKey::Time(m.created_at), m.id)
        }),
        ClusterOrderField::UpdatedAt => ("UPDATED_AT", cluster::Column::UpdatedAt, |m| {
            (SortKey::Time(m.updated_at), m.id)
        }),
        ClusterOrderField::MemberCount => ("MEMBER_COUNT", cluster::Column::MembersTotal, |m| {
            (SortKey::Int(i64::from(m.members_total)), m.id)
        }),
    };
    Keyset {
        name,
        column,
        id: cluster::Column::Id,
        ascending,
        key_of,
    }
}

/// One page of the list and its total.
pub struct ClusterList {
    pub page: Page<cluster::Model>,
    pub total: u64,
}

/// The cluster list. With a text query, results are ranked by relevance unless another order is
/// asked for; relevance pages use offset cursors, since only the database knows the ranking.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    filter: &ClusterFilter,
    order: ClusterOrderField,
    ascending: bool,
    request: &PageRequest,
    want_total: bool,
) -> AppResult<ClusterList> {
    let window = request.window()?;
    let text = TextQuery::resolve_optional(db, filter.query.as_deref()).await?;
    if order == ClusterOrderField::Relevance {
        let Some(text) = text else {
            return Err(AppError::bad_field("orderBy.field", "RELEVANCE needs a filter.query"));
        };
        return ranked(db, filter.condition(visibility, None, &[]), &text, request).await;
    }
    let condition = filter.condition(visibility, text.as_ref(), &[]);
    let page = keyset_page(
        db,
        cluster::Entity::find().filter(condition.clone()),
        &keyset(order, ascending),
        &window,
    )
    .await?;
    let total = if want_total {
        cluster::Entity::find().filter(condition).count(db).await?
    } else {
        0
    };
    Ok(ClusterList { page, total })
}

/// Highlights for the clusters of a page: the matching extract of each one's search document.
pub async fn highlights<C: ConnectionTrait>(db: &C, query: &str, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    let documents = cluster_search::Entity::find()
        .filter(cluster_search::Column::ClusterId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(documents
        .into_iter()
        .filter_map(|d| Some((d.cluster_id, search::highlight(&d.document, query)?)))
        .collect())
}

/// The clusters `filter` selects for `visibility`, as SQL on `cluster`, for readers that page on
/// their own (the open-data export reads them in id order).
pub async fn filter_condition<C: ConnectionTrait>(
    db: &C,
    visibility: &Visibility,
    filter: &ClusterFilter,
) -> AppResult<sea_orm::Condition> {
    let text = TextQuery::resolve_optional(db, filter.query.as_deref()).await?;
    Ok(filter.condition(visibility, text.as_ref(), &[]))
}
