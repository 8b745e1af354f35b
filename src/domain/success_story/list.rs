//! Lists of success stories: the `successStories` connection with its filter, applied in SQL
//! with what the caller may see, and the stories published in a span of time for the weekly
//! digest. A list holds stories of one status, PUBLISHED unless the filter names another, so
//! each has one order: published ones newest published first, the others newest written first.

use chrono::{DateTime, Utc};
use entity::{
    success_story, success_story_cluster,
    taxonomy::{SuccessStoryOutcome, SuccessStoryStatus as Status},
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::{
    domain::{
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy::StoryVisibility,
    },
    error::AppResult,
};

/// Narrows `successStories`. Drafts and submitted stories list only for those who see them.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    /// PUBLISHED when not given.
    pub status: Option<Status>,
    /// Stories naming this cluster: those it confirmed, and for its editors those it has yet to answer.
    pub cluster_id: Option<Uuid>,
    pub outcome: Option<SuccessStoryOutcome>,
    /// Stories changed at or after this moment.
    pub updated_since: Option<DateTime<Utc>>,
}

impl StoryFilter {
    fn status(&self) -> Status {
        self.status.unwrap_or(Status::Published)
    }

    fn condition(&self, visibility: &StoryVisibility) -> Condition {
        let mut cond = Condition::all()
            .add(visibility.condition())
            .add(success_story::Column::Status.eq(self.status()));
        if let Some(cluster_id) = self.cluster_id {
            let naming = Query::select()
                .column(success_story_cluster::Column::SuccessStoryId)
                .from(success_story_cluster::Entity)
                .and_where(Expr::col(success_story_cluster::Column::ClusterId).eq(cluster_id))
                .cond_where(visibility.links())
                .to_owned();
            cond = cond.add(Expr::col((success_story::Entity, success_story::Column::Id)).in_subquery(naming));
        }
        if let Some(outcome) = self.outcome {
            cond = cond.add(success_story::Column::Outcome.eq(outcome));
        }
        if let Some(since) = self.updated_since {
            cond = cond.add(success_story::Column::UpdatedAt.gte(since));
        }
        cond
    }

    fn order(&self) -> &'static Keyset<success_story::Entity> {
        match self.status() {
            Status::Published => &NEWEST_PUBLISHED,
            Status::Draft | Status::Submitted => &NEWEST_WRITTEN,
        }
    }
}

const NEWEST_PUBLISHED: Keyset<success_story::Entity> = Keyset {
    name: "PUBLISHED_AT",
    column: success_story::Column::PublishedAt,
    id: success_story::Column::Id,
    ascending: false,
    // Every published story has the moment (the migration gave the older ones theirs).
    key_of: |m| (SortKey::Time(m.published_at.unwrap_or(m.created_at)), m.id),
};

const NEWEST_WRITTEN: Keyset<success_story::Entity> = Keyset {
    name: "CREATED_AT",
    column: success_story::Column::CreatedAt,
    id: success_story::Column::Id,
    ascending: false,
    key_of: |m| (SortKey::Time(m.created_at), m.id),
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &StoryVisibility,
    filter: &StoryFilter,
    window: &Window,
) -> AppResult<Page<success_story::Model>> {
    let select = success_story::Entity::find().filter(filter.condition(visibility));
    keyset_page(db, select, filter.order(), window).await
}

pub async fn count<C: ConnectionTrait>(db: &C, visibility: &StoryVisibility, filter: &StoryFilter) -> AppResult<u64> {
    Ok(success_story::Entity::find()
        .filter(filter.condition(visibility))
        .count(db)
        .await?)
}

/// The stories published in `[from, to)` and PUBLISHED now, first published first: the
/// weekly digest's new success stories.
pub async fn published_between<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<success_story::Model>> {
    Ok(success_story::Entity::find()
        .filter(success_story::Column::Status.eq(Status::Published))
        .filter(success_story::Column::PublishedAt.gte(from))
        .filter(success_story::Column::PublishedAt.lt(to))
        .order_by_asc(success_story::Column::PublishedAt)
        .order_by_asc(success_story::Column::Id)
        .all(db)
        .await?)
}
