//! What the open-data export reads: the records a caller may see, a page at a time in id order
//! (a keyset on the primary key), so an export of any size holds one page in memory. The HTTP
//! side (`http::export`) turns the pages into CSV, JSON or JSON Lines as they arrive.

use entity::{cluster, matchmaking_event, partnership, success_story};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    auth::Caller,
    domain::{
        cluster::lists::{self, ClusterLists},
        discovery::{self, ClusterFilter},
        policy::{MatchmakingVisibility, StoryVisibility, Visibility},
    },
    error::AppResult,
};

/// Records a page reads.
pub const PAGE_ROWS: u64 = 500;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Clusters,
    Partnerships,
    SuccessStories,
    Events,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Clusters, Kind::Partnerships, Kind::SuccessStories, Kind::Events];

    /// The name in the export's path and the JSON envelope's list.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Clusters => "clusters",
            Kind::Partnerships => "partnerships",
            Kind::SuccessStories => "successStories",
            Kind::Events => "events",
        }
    }

    pub fn named(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

/// A page of one kind of record.
pub enum Page {
    Clusters(Vec<(cluster::Model, ClusterLists)>),
    Partnerships(Vec<partnership::Model>),
    SuccessStories(Vec<success_story::Model>),
    Events(Vec<matchmaking_event::Model>),
}

impl Page {
    pub fn len(&self) -> usize {
        match self {
            Page::Clusters(rows) => rows.len(),
            Page::Partnerships(rows) => rows.len(),
            Page::SuccessStories(rows) => rows.len(),
            Page::Events(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last record's id: where the next page starts after.
    pub fn last_id(&self) -> Option<Uuid> {
        match self {
            Page::Clusters(rows) => rows.last().map(|(m, _)| m.id),
            Page::Partnerships(rows) => rows.last().map(|m| m.id),
            Page::SuccessStories(rows) => rows.last().map(|m| m.id),
            Page::Events(rows) => rows.last().map(|m| m.id),
        }
    }
}

/// Which records of a kind an export holds: what the caller may see through the API, narrowed
/// for clusters by the filter of `clusters(filter:)`.
#[derive(Debug, Clone)]
pub struct Selection {
    kind: Kind,
    condition: Condition,
}

impl Selection {
    pub async fn new<C: ConnectionTrait>(
        db: &C,
        caller: &Caller,
        kind: Kind,
        filter: &ClusterFilter,
    ) -> AppResult<Self> {
        let who = caller.principal();
        let condition = match kind {
            Kind::Clusters => discovery::filter_condition(db, &Visibility::of(who), filter).await?,
            // Partnerships are public, as `partnerships` lists them.
            Kind::Partnerships => Condition::all(),
            Kind::SuccessStories => StoryVisibility::of(who).condition(),
            Kind::Events => MatchmakingVisibility::of(who).events(),
        };
        Ok(Self { kind, condition })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The page after the record `after` (from the start without one).
    pub async fn page<C: ConnectionTrait>(&self, db: &C, after: Option<Uuid>) -> AppResult<Page> {
        let condition = self.condition.clone();
        Ok(match self.kind {
            Kind::Clusters => {
                let mut q = cluster::Entity::find().filter(condition);
                if let Some(after) = after {
                    q = q.filter(cluster::Column::Id.gt(after));
                }
                let models = q.order_by_asc(cluster::Column::Id).limit(PAGE_ROWS).all(db).await?;
                let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
                let mut ecosystems = lists::read::<entity::cluster_ecosystem::Entity, C>(db, &ids).await?;
                let mut industries = lists::read::<entity::cluster_emerging_industry::Entity, C>(db, &ids).await?;
                let mut technologies = lists::read::<entity::cluster_technology::Entity, C>(db, &ids).await?;
                let mut targets = lists::read::<entity::cluster_target_country::Entity, C>(db, &ids).await?;
                Page::Clusters(
                    models
                        .into_iter()
                        .map(|m| {
                            let lists = ClusterLists {
                                ecosystems: ecosystems.remove(&m.id).unwrap_or_default(),
                                emerging_industries: industries.remove(&m.id).unwrap_or_default(),
                                technologies: technologies.remove(&m.id).unwrap_or_default(),
                                target_countries: targets.remove(&m.id).unwrap_or_default(),
                            };
                            (m, lists)
                        })
                        .collect(),
                )
            }
            Kind::Partnerships => {
                let mut q = partnership::Entity::find().filter(condition);
                if let Some(after) = after {
                    q = q.filter(partnership::Column::Id.gt(after));
                }
                Page::Partnerships(q.order_by_asc(partnership::Column::Id).limit(PAGE_ROWS).all(db).await?)
            }
            Kind::SuccessStories => {
                let mut q = success_story::Entity::find().filter(condition);
                if let Some(after) = after {
                    q = q.filter(success_story::Column::Id.gt(after));
                }
                Page::SuccessStories(
                    q.order_by_asc(success_story::Column::Id)
                        .limit(PAGE_ROWS)
                        .all(db)
                        .await?,
                )
            }
            Kind::Events => {
                let mut q = matchmaking_event::Entity::find().filter(condition);
                if let Some(after) = after {
                    q = q.filter(matchmaking_event::Column::Id.gt(after));
                }
                Page::Events(
                    q.order_by_asc(matchmaking_event::Column::Id)
                        .limit(PAGE_ROWS)
                        .all(db)
                        .await?,
                )
            }
        })
    }
}
