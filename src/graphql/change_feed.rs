//! The change feed in GraphQL: `clusterChanges`, `partnershipChanges`, `successStoryChanges` and
//! `matchmakingEventChanges`, each a page of changes after a cursor in commit order, and
//! `changeFeedCursor`, the feed's current position. The rules are in `domain::change_feed`;
//! here each change gets its record when the caller may see it (the lists' own conditions), so
//! a record that has gone or turned invisible to the caller reads as DELETED.

use std::collections::HashMap;

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::record_change::{self, ChangedRecordType};
use uuid::Uuid;

use super::{
    cluster::{self, Cluster},
    connection::PageInfo,
    context::{caller, db, matchmaking_visibility, visibility},
    matchmaking::event::{self as event, MatchmakingEvent},
    node,
    partnership::{self, Partnership},
    success_story::{self, SuccessStory},
};
use crate::{
    domain::{
        change_feed::{self as domain, visible, ChangePage},
        pagination::PageRequest,
        policy::StoryVisibility,
    },
    error::AppResult,
};

/// What a change did to its record, as the caller sees it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The record was created or changed; the change carries it as it is now.
    Upserted,
    /// The record was deleted, or you may no longer see it (unpublished, say): drop your copy.
    Deleted,
}

/// A change's parts every feed shares, and its record when the caller sees it.
struct Parts<N> {
    cursor: String,
    kind: ChangeKind,
    record_id: ID,
    changed_at: DateTime<Utc>,
    record: Option<N>,
}

/// The changes of one page, each with its record as the caller sees it now.
fn parts<N: Clone>(page: &ChangePage, type_name: &str, records: &HashMap<Uuid, N>) -> (Vec<Parts<N>>, PageInfo) {
    let items: Vec<Parts<N>> = page
        .changes
        .iter()
        .map(|change| {
            let record = match change.kind {
                record_change::ChangeKind::Upserted => records.get(&change.record_id).cloned(),
                record_change::ChangeKind::Deleted => None,
            };
            Parts {
                cursor: domain::cursor_of(change.seq.unwrap_or_default()),
                kind: if record.is_some() {
                    ChangeKind::Upserted
                } else {
                    ChangeKind::Deleted
                },
                record_id: node::encode(type_name, change.record_id),
                changed_at: change.changed_at,
                record,
            }
        })
        .collect();
    let page_info = PageInfo {
        has_previous_page: false,
        has_next_page: page.has_next_page,
        start_cursor: items.first().map(|p| p.cursor.clone()),
        end_cursor: items.last().map(|p| p.cursor.clone()),
    };
    (items, page_info)
}

/// The ids of the records a page's UPSERTED changes name, to look up at once.
fn upserted(page: &ChangePage) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = page
        .changes
        .iter()
        .filter(|c| c.kind == record_change::ChangeKind::Upserted)
        .map(|c| c.record_id)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Reads `first`/`after` as the other connections do (1–100, default 20).
async fn page(
    ctx: &Context<'_>,
    record_type: ChangedRecordType,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<ChangePage> {
    let window = PageRequest::new(first, after, None, None).window()?;
    let after = window
        .cursor
        .as_deref()
        .map(|c| domain::position_of("after", c))
        .transpose()?;
    domain::changes(db(ctx), record_type, after, window.size).await
}

macro_rules! feed {
    ($change:ident, $edge:ident, $connection:ident, $node:ident, $field:ident, $what:literal) => {
        #[doc = concat!("One change of ", $what, " in the change feed.")]
        #[derive(SimpleObject)]
        pub struct $change {
            /// This change's place in the feed: pass it as `after` to continue after it.
            pub cursor: String,
            /// UPSERTED, or DELETED when the record is gone or you may not see it.
            pub kind: ChangeKind,
            #[doc = concat!("The global ID of the ", $what, " that changed.")]
            pub record_id: ID,
            /// When the change was written.
            pub changed_at: DateTime<Utc>,
            #[doc = concat!("The ", $what, " as it is now; null when DELETED.")]
            pub $field: Option<$node>,
        }

        #[doc = concat!("One change of ", $what, ", with its cursor.")]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Where to continue from with `after`.
            pub cursor: String,
            /// The change.
            pub node: $change,
        }

        #[doc = concat!("A page of changes of ", $what, ", oldest first; page on with `after: pageInfo.endCursor`. An empty page means you are up to date: keep your cursor.")]
        #[derive(SimpleObject)]
        pub struct $connection {
            /// The changes of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// The changes of `edges`, for clients that need no edges.
            pub nodes: Vec<$change>,
            /// Where this page lies; `hasPreviousPage` is always false (the feed pages forwards).
            pub page_info: PageInfo,
        }

        impl $connection {
            fn new(page: &ChangePage, type_name: &str, records: &HashMap<Uuid, $node>) -> Self {
                let (items, page_info) = parts(page, type_name, records);
                let change = |p: &Parts<$node>| $change {
                    cursor: p.cursor.clone(),
                    kind: p.kind,
                    record_id: p.record_id.clone(),
                    changed_at: p.changed_at,
                    $field: p.record.clone(),
                };
                Self {
                    nodes: items.iter().map(change).collect(),
                    edges: items
                        .iter()
                        .map(|p| $edge {
                            cursor: p.cursor.clone(),
                            node: change(p),
                        })
                        .collect(),
                    page_info,
                }
            }
        }
    };
}

feed!(
    ClusterChange,
    ClusterChangeEdge,
    ClusterChangeConnection,
    Cluster,
    cluster,
    "a cluster profile"
);
feed!(
    PartnershipChange,
    PartnershipChangeEdge,
    PartnershipChangeConnection,
    Partnership,
    partnership,
    "a partnership"
);
feed!(
    SuccessStoryChange,
    SuccessStoryChangeEdge,
    SuccessStoryChangeConnection,
    SuccessStory,
    success_story,
    "a success story"
);
feed!(
    MatchmakingEventChange,
    MatchmakingEventChangeEdge,
    MatchmakingEventChangeConnection,
    MatchmakingEvent,
    matchmaking_event,
    "a matchmaking event"
);

fn keyed<M, N>(rows: HashMap<Uuid, M>, wrap: impl Fn(M) -> N) -> HashMap<Uuid, N> {
    rows.into_iter().map(|(id, m)| (id, wrap(m))).collect()
}

#[derive(Default)]
pub struct ChangeFeedQuery;

#[Object]
impl ChangeFeedQuery {
    /// The change feed's current position. Pass it as `after` to any of the `…Changes` feeds to
    /// receive only what is committed from now on: read it first, then the lists, then follow
    /// the feeds from it, and nothing falls between.
    async fn change_feed_cursor(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(domain::cursor_of(domain::head(db(ctx)).await?))
    }

    /// Cluster profiles created, changed or deleted after `after`, in commit order. A profile
    /// you may not see (a draft, say) reads as DELETED.
    async fn cluster_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Changes after this cursor (a change's `cursor`, `pageInfo.endCursor` or `changeFeedCursor`); from the oldest kept when left out."
        )]
        after: Option<String>,
        #[graphql(desc = "The first n changes, 1–100; 20 when left out.")] first: Option<i32>,
    ) -> AppResult<ClusterChangeConnection> {
        let page = page(ctx, ChangedRecordType::Cluster, first, after).await?;
        let rows = visible::clusters(db(ctx), &visibility(ctx), &upserted(&page)).await?;
        Ok(ClusterChangeConnection::new(
            &page,
            cluster::TYPE_NAME,
            &keyed(rows, Cluster),
        ))
    }

    /// Partnerships created, changed (members too) or deleted after `after`, in commit order.
    async fn partnership_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Changes after this cursor (a change's `cursor`, `pageInfo.endCursor` or `changeFeedCursor`); from the oldest kept when left out."
        )]
        after: Option<String>,
        #[graphql(desc = "The first n changes, 1–100; 20 when left out.")] first: Option<i32>,
    ) -> AppResult<PartnershipChangeConnection> {
        let page = page(ctx, ChangedRecordType::Partnership, first, after).await?;
        let rows = visible::partnerships(db(ctx), &upserted(&page)).await?;
        Ok(PartnershipChangeConnection::new(
            &page,
            partnership::TYPE_NAME,
            &keyed(rows, Partnership),
        ))
    }

    /// Success stories written, changed, moved through review or deleted after `after`, in
    /// commit order. A story you may not see (not published, say) reads as DELETED.
    async fn success_story_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Changes after this cursor (a change's `cursor`, `pageInfo.endCursor` or `changeFeedCursor`); from the oldest kept when left out."
        )]
        after: Option<String>,
        #[graphql(desc = "The first n changes, 1–100; 20 when left out.")] first: Option<i32>,
    ) -> AppResult<SuccessStoryChangeConnection> {
        let page = page(ctx, ChangedRecordType::SuccessStory, first, after).await?;
        let stories = StoryVisibility::of(caller(ctx));
        let rows = visible::success_stories(db(ctx), &stories, &upserted(&page)).await?;
        Ok(SuccessStoryChangeConnection::new(
            &page,
            success_story::TYPE_NAME,
            &keyed(rows, SuccessStory),
        ))
    }

    /// Matchmaking events created, changed, opened, closed, scheduled or finished after
    /// `after`, in commit order. A DRAFT event you do not organise reads as DELETED.
    async fn matchmaking_event_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Changes after this cursor (a change's `cursor`, `pageInfo.endCursor` or `changeFeedCursor`); from the oldest kept when left out."
        )]
        after: Option<String>,
        #[graphql(desc = "The first n changes, 1–100; 20 when left out.")] first: Option<i32>,
    ) -> AppResult<MatchmakingEventChangeConnection> {
        let page = page(ctx, ChangedRecordType::MatchmakingEvent, first, after).await?;
        let rows = visible::matchmaking_events(db(ctx), &matchmaking_visibility(ctx), &upserted(&page)).await?;
        Ok(MatchmakingEventChangeConnection::new(
            &page,
            event::TYPE_NAME,
            &keyed(rows, MatchmakingEvent),
        ))
    }
}
