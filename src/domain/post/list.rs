//! Lists of posts: the published feed with its filter (kinds, ecosystems, countries, cluster,
//! published between two moments, words of text), upcoming events by start and open calls by
//! deadline. Each list is of PUBLISHED posts of clusters the caller sees; drafts and
//! unpublished posts show on their cluster (`Cluster.posts`) and by id, to those who may see them.
//!
//! The text filter finds every word of the query as a substring of the post's stored search
//! text (title, summary, body without markup, place, funding and eligibility, lower-cased at
//! write time), with LIKE on both
//! databases: as the directory's SQLite trigram search does, it finds any substring in any
//! script (`創新`, `innov`), with no tokeniser to split Chinese wrong.

use chrono::{DateTime, Utc};
use entity::{
    cluster, post as row, post_country, post_ecosystem,
    taxonomy::{Ecosystem, PostKind},
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::{
    domain::{
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy::PostVisibility,
        search::like_pattern,
        validation::Checker,
    },
    error::AppResult,
};

/// Most words of a text filter; each is one more LIKE over every candidate.
const QUERY_WORDS_MAX: usize = 8;
const QUERY_MAX: usize = 200;

/// Narrows the feed of posts. Values within a field are alternatives; fields combine.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    pub kinds: Vec<PostKind>,
    pub ecosystems: Vec<Ecosystem>,
    /// Posts about one of these countries, or of a cluster in one of them.
    pub countries: Vec<String>,
    pub cluster_id: Option<Uuid>,
    /// Posts published at or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Posts published at or before this moment.
    pub to: Option<DateTime<Utc>>,
    /// Words that must all be in the post's text.
    pub query: Option<String>,
}

impl PostFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        check.optional_name("filter.query", &mut self.query, QUERY_MAX);
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                check.fail("filter.to", "must not be before filter.from");
            }
        }
        check.finish()
    }

    fn condition(&self, visibility: &PostVisibility) -> Condition {
        let mut cond = Condition::all().add(visibility.published());
        if !self.kinds.is_empty() {
            cond = cond.add(row::Column::Kind.is_in(self.kinds.clone()));
        }
        if !self.ecosystems.is_empty() {
            cond = cond.add(
                row::Column::Id.in_subquery(
                    Query::select()
                        .column(post_ecosystem::Column::PostId)
                        .from(post_ecosystem::Entity)
                        .and_where(post_ecosystem::Column::Ecosystem.is_in(self.ecosystems.clone()))
                        .to_owned(),
                ),
            );
        }
        if !self.countries.is_empty() {
            let about = Query::select()
                .column(post_country::Column::PostId)
                .from(post_country::Entity)
                .and_where(post_country::Column::Country.is_in(self.countries.clone()))
                .to_owned();
            let clusters = Query::select()
                .column(cluster::Column::Id)
                .from(cluster::Entity)
                .and_where(cluster::Column::Country.is_in(self.countries.clone()))
                .to_owned();
            cond = cond.add(
                Condition::any()
                    .add(row::Column::Id.in_subquery(about))
                    .add(row::Column::ClusterId.in_subquery(clusters)),
            );
        }
        if let Some(cluster_id) = self.cluster_id {
            cond = cond.add(row::Column::ClusterId.eq(cluster_id));
        }
        if let Some(from) = self.from {
            cond = cond.add(row::Column::PublishedAt.gte(from));
        }
        if let Some(to) = self.to {
            cond = cond.add(row::Column::PublishedAt.lte(to));
        }
        if let Some(query) = &self.query {
            for word in query.split_whitespace().take(QUERY_WORDS_MAX) {
                cond = cond.add(
                    Expr::col((row::Entity, row::Column::SearchText))
                        .like(LikeExpr::new(like_pattern(&word.to_lowercase())).escape('\\')),
                );
            }
        }
        cond
    }
}

/// The feed: newest published first.
const NEWEST_FIRST: Keyset<row::Entity> = Keyset {
    name: "PUBLISHED_AT",
    column: row::Column::PublishedAt,
    id: row::Column::Id,
    ascending: false,
    // Every post of the feed is published, so has the moment.
    key_of: |m| (SortKey::Time(m.published_at.unwrap_or(m.created_at)), m.id),
};

const BY_START: Keyset<row::Entity> = Keyset {
    name: "STARTS_AT",
    column: row::Column::StartsAt,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Time(m.starts_at.unwrap_or(m.created_at)), m.id),
};

const BY_DEADLINE: Keyset<row::Entity> = Keyset {
    name: "DEADLINE",
    column: row::Column::Deadline,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Time(m.deadline.unwrap_or(m.created_at)), m.id),
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &PostVisibility,
    filter: &PostFilter,
    window: &Window,
) -> AppResult<Page<row::Model>> {
    keyset_page(
        db,
        row::Entity::find().filter(filter.condition(visibility)),
        &NEWEST_FIRST,
        window,
    )
    .await
}

/// The post `id` when it is in the feed `filter` narrows for `visibility`: the feed's own
/// condition, restricted to one id, so a live subscriber gets exactly what `posts` would list.
pub async fn in_feed<C: ConnectionTrait>(
    db: &C,
    visibility: &PostVisibility,
    filter: &PostFilter,
    id: Uuid,
) -> AppResult<Option<row::Model>> {
    Ok(row::Entity::find_by_id(id)
        .filter(filter.condition(visibility))
        .one(db)
        .await?)
}

pub async fn count<C: ConnectionTrait>(db: &C, visibility: &PostVisibility, filter: &PostFilter) -> AppResult<u64> {
    Ok(row::Entity::find()
        .filter(filter.condition(visibility))
        .count(db)
        .await?)
}

/// Published EVENT posts not over at `now` (those under way too), soonest start first.
fn upcoming(visibility: &PostVisibility, now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(visibility.published())
        .add(row::Column::Kind.eq(PostKind::Event))
        .add(row::Column::EndsAt.gte(now))
}

/// Published CALL posts whose deadline is not past at `now`, soonest deadline first.
fn open(visibility: &PostVisibility, now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(visibility.published())
        .add(row::Column::Kind.eq(PostKind::Call))
        .add(row::Column::Deadline.gte(now))
}

/// The upcoming events and how many there are (counted only when `counted`).
pub async fn upcoming_events<C: ConnectionTrait>(
    db: &C,
    visibility: &PostVisibility,
    window: &Window,
    counted: bool,
) -> AppResult<(Page<row::Model>, u64)> {
    let cond = upcoming(visibility, Utc::now());
    let page = keyset_page(db, row::Entity::find().filter(cond.clone()), &BY_START, window).await?;
    let total = if counted {
        row::Entity::find().filter(cond).count(db).await?
    } else {
        0
    };
    Ok((page, total))
}

/// The open calls and how many there are (counted only when `counted`).
pub async fn open_calls<C: ConnectionTrait>(
    db: &C,
    visibility: &PostVisibility,
    window: &Window,
    counted: bool,
) -> AppResult<(Page<row::Model>, u64)> {
    let cond = open(visibility, Utc::now());
    let page = keyset_page(db, row::Entity::find().filter(cond.clone()), &BY_DEADLINE, window).await?;
    let total = if counted {
        row::Entity::find().filter(cond).count(db).await?
    } else {
        0
    };
    Ok((page, total))
}
