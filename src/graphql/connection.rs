//! Relay connections, named per node type as GitHub names them (`ClusterConnection`, `ClusterEdge`).

use std::{collections::HashMap, future::Future};

use async_graphql::{Context, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{cluster, partnership_member};
use uuid::Uuid;

use super::{
    account::AuditEntry,
    cluster::Cluster,
    context::loaders,
    digest::DigestSubscriber,
    enums::{InvitationState, PartnershipRole},
    loaders::{NestedItem, NestedList, PageOf},
    mail::OutboxMail,
    matchmaking::{event::MatchmakingEvent, meeting::Meeting, participant::EventParticipant},
    member::Member,
    partner_organisation::PartnerOrganisation,
    partner_search::{ExpressionOfInterest, PartnerSearch},
    partnership::Partnership,
    post::Post,
    success_story::SuccessStory,
    webhook::WebhookDelivery,
};
use crate::{
    domain::pagination::{slice, OffsetRequest, Page, PageRequest},
    error::AppResult,
};

/// Information to aid in pagination.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether items come before this page (when paging backwards with `last`).
    pub has_previous_page: bool,
    /// Whether items come after this page (when paging forwards with `first`).
    pub has_next_page: bool,
    /// The cursor of the first edge; null for an empty page.
    pub start_cursor: Option<String>,
    /// The cursor of the last edge; null for an empty page.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    pub(crate) fn of<T>(page: &Page<T>) -> Self {
        Self {
            has_previous_page: page.has_previous_page,
            has_next_page: page.has_next_page,
            start_cursor: page.items.first().map(|(c, _)| c.clone()),
            end_cursor: page.items.last().map(|(c, _)| c.clone()),
        }
    }
}

/// A connection made of one page of its items and the length of the whole list.
pub trait Connection: Sized {
    type Item;
    fn new(page: Page<Self::Item>, total_count: u64) -> Self;
}

/// What every connection is made of: the edges, the node of each edge again, where the page lies.
pub(super) fn parts<T, N, E>(
    page: Page<T>,
    node: impl Fn(&T) -> N,
    edge: impl Fn(String, T) -> E,
) -> (Vec<E>, Vec<N>, PageInfo) {
    let page_info = PageInfo::of(&page);
    let nodes = page.items.iter().map(|(_, item)| node(item)).collect();
    let edges = page
        .items
        .into_iter()
        .map(|(cursor, item)| edge(cursor, item))
        .collect();
    (edges, nodes, page_info)
}

/// A connection over a list already in memory: the page asked for, counted against the whole list.
pub fn slice_connection<C: Connection, T>(
    all: Vec<T>,
    request: &PageRequest,
    wrap: impl Fn(T) -> C::Item,
) -> AppResult<C> {
    let total = all.len() as u64;
    Ok(C::new(slice(all, request)?.map(wrap), total))
}

/// A nested connection (a cluster's members, a partnership's clusters): the owner's page comes
/// through the DataLoader, which reads the pages of a whole level in one statement; `item` picks
/// this list's items.
pub async fn nested_connection<C: Connection>(
    ctx: &Context<'_>,
    list: NestedList,
    owner: Uuid,
    request: PageRequest,
    item: impl Fn(NestedItem) -> Option<C::Item>,
) -> AppResult<C> {
    let page = OffsetRequest::of(&request)?;
    let (range, items) = match loaders(ctx).load_one(PageOf { list, owner, page }).await? {
        Some(found) => (found.range, found.items),
        None => (page.within(0), Vec::new()),
    };
    let items = items.into_iter().filter_map(item).collect();
    Ok(C::new(range.page(items), range.len() as u64))
}

/// Whether the client selected `totalCount`.
pub fn wants_total_count(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// The whole list's length when the client selected `totalCount`, else 0: counting is a query of
/// its own, not worth running for a field nobody reads.
pub async fn total_count_if_selected(ctx: &Context<'_>, count: impl Future<Output = AppResult<u64>>) -> AppResult<u64> {
    if wants_total_count(ctx) {
        count.await
    } else {
        Ok(0)
    }
}

macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[doc = concat!("One `", stringify!($node), "` of a connection, with its cursor.")]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Where to continue from with `after` or `before`.
            pub cursor: String,
            #[doc = concat!("The `", stringify!($node), "`.")]
            pub node: $node,
        }

        #[doc = concat!("A page of `", stringify!($node), "` items, paged with `first`/`after` or `last`/`before`.")]
        #[derive(SimpleObject)]
        pub struct $connection {
            #[doc = concat!("The `", stringify!($node), "` items of this page, each with its cursor.")]
            pub edges: Vec<$edge>,
            /// The nodes of `edges`, for clients that need no cursors.
            pub nodes: Vec<$node>,
            /// Where this page lies in the whole list.
            pub page_info: PageInfo,
            /// How many items the whole list holds under the given filter.
            pub total_count: u64,
        }

        impl Connection for $connection {
            type Item = $node;

            fn new(page: Page<$node>, total_count: u64) -> Self {
                let (edges, nodes, page_info) = parts(page, Clone::clone, |cursor, node| $edge { cursor, node });
                Self {
                    edges,
                    nodes,
                    page_info,
                    total_count,
                }
            }
        }
    };
}

/// One `Cluster` of a connection, with its cursor and, in the results of a text search, the
/// extract that matched.
#[derive(SimpleObject)]
pub struct ClusterEdge {
    /// Where to continue from with `after` or `before`.
    pub cursor: String,
    /// The `Cluster`.
    pub node: Cluster,
    /// With a text search (`clusters(filter: {query})`): the extract of the profile that matched,
    /// the match in [brackets]; null otherwise.
    pub highlight: Option<String>,
}

/// A page of `Cluster` items, paged with `first`/`after` or `last`/`before`.
#[derive(SimpleObject)]
pub struct ClusterConnection {
    /// The `Cluster` items of this page, each with its cursor (and its highlight in a text search).
    pub edges: Vec<ClusterEdge>,
    /// The nodes of `edges`, for clients that need no cursors.
    pub nodes: Vec<Cluster>,
    /// Where this page lies in the whole list.
    pub page_info: PageInfo,
    /// How many items the whole list holds under the given filter.
    pub total_count: u64,
}

impl Connection for ClusterConnection {
    type Item = Cluster;

    fn new(page: Page<Cluster>, total_count: u64) -> Self {
        let (edges, nodes, page_info) = parts(page, Clone::clone, |cursor, node| ClusterEdge {
            cursor,
            node,
            highlight: None,
        });
        Self {
            edges,
            nodes,
            page_info,
            total_count,
        }
    }
}

impl ClusterConnection {
    /// The page with each hit's highlight on its edge: the highlight belongs to the hit, not to
    /// the cluster, which other lists of the same request may show too.
    pub fn with_highlights(mut self, mut highlights: HashMap<Uuid, String>) -> Self {
        for edge in &mut self.edges {
            edge.highlight = highlights.remove(&edge.node.0.id);
        }
        self
    }
}
connection!(MemberConnection, MemberEdge, Member);
connection!(PartnershipConnection, PartnershipEdge, Partnership);
connection!(SuccessStoryConnection, SuccessStoryEdge, SuccessStory);
connection!(
    PartnerOrganisationConnection,
    PartnerOrganisationEdge,
    PartnerOrganisation
);

/// A cluster's seat in a partnership, on the edge that leads to the cluster.
#[derive(SimpleObject)]
pub struct PartnershipMemberEdge {
    /// Where to continue from with `after` or `before`.
    pub cursor: String,
    /// The member cluster.
    pub node: Cluster,
    /// The cluster's role in the partnership.
    pub role: PartnershipRole,
    /// Whether the cluster accepted its seat.
    pub invitation_state: InvitationState,
    /// When the cluster took its seat or was invited.
    pub joined_at: DateTime<Utc>,
}

/// The member clusters of a partnership.
#[derive(SimpleObject)]
pub struct PartnershipMemberConnection {
    /// The member clusters of this page, each with its seat.
    pub edges: Vec<PartnershipMemberEdge>,
    /// The clusters of `edges`, for clients that need no cursors or seats.
    pub nodes: Vec<Cluster>,
    /// Where this page lies in the whole list.
    pub page_info: PageInfo,
    /// How many member clusters you may see.
    pub total_count: u64,
}

impl Connection for PartnershipMemberConnection {
    type Item = (partnership_member::Model, cluster::Model);

    fn new(page: Page<Self::Item>, total_count: u64) -> Self {
        let (edges, nodes, page_info) = parts(
            page,
            |(_, c)| Cluster(c.clone()),
            |cursor, (seat, c)| PartnershipMemberEdge {
                cursor,
                node: Cluster(c),
                role: seat.role.into(),
                invitation_state: seat.invitation_state.into(),
                joined_at: seat.joined_at,
            },
        );
        Self {
            edges,
            nodes,
            page_info,
            total_count,
        }
    }
}
connection!(AuditEntryConnection, AuditEntryEdge, AuditEntry);
connection!(PartnerSearchConnection, PartnerSearchEdge, PartnerSearch);
connection!(
    ExpressionOfInterestConnection,
    ExpressionOfInterestEdge,
    ExpressionOfInterest
);
connection!(MatchmakingEventConnection, MatchmakingEventEdge, MatchmakingEvent);
connection!(EventParticipantConnection, EventParticipantEdge, EventParticipant);
connection!(MeetingConnection, MeetingEdge, Meeting);
connection!(PostConnection, PostEdge, Post);
connection!(OutboxMailConnection, OutboxMailEdge, OutboxMail);
connection!(DigestSubscriberConnection, DigestSubscriberEdge, DigestSubscriber);
connection!(WebhookDeliveryConnection, WebhookDeliveryEdge, WebhookDelivery);
