//! Relay connections, named per node type as GitHub names them (`ClusterConnection`, `ClusterEdge`).

use std::{collections::HashMap, future::Future};

use async_graphql::{Context, Object, SimpleObject};
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

// A connection holds its page and builds what the document selects when it is resolved: `nodes`
// borrows the page's items, `edges` pairs them with their cursors; nothing is cloned, and a
// connection asked for `nodes` only builds no edge.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        pub struct $edge<'a> {
            cursor: &'a str,
            node: &'a $node,
        }

        #[doc = concat!("One `", stringify!($node), "` of a connection, with its cursor.")]
        #[Object]
        impl<'a> $edge<'a> {
            /// Where to continue from with `after` or `before`.
            async fn cursor(&self) -> &str {
                self.cursor
            }

            #[doc = concat!("The `", stringify!($node), "`.")]
            async fn node(&self) -> &$node {
                self.node
            }
        }

        pub struct $connection {
            page: Page<$node>,
            total_count: u64,
        }

        #[doc = concat!("A page of `", stringify!($node), "` items, paged with `first`/`after` or `last`/`before`.")]
        #[Object]
        impl $connection {
            #[doc = concat!("The `", stringify!($node), "` items of this page, each with its cursor.")]
            async fn edges(&self) -> Vec<$edge<'_>> {
                self.page
                    .items
                    .iter()
                    .map(|(cursor, node)| $edge { cursor, node })
                    .collect()
            }

            /// The nodes of `edges`, for clients that need no cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.page.items.iter().map(|(_, node)| node).collect()
            }

            /// Where this page lies in the whole list.
            async fn page_info(&self) -> PageInfo {
                PageInfo::of(&self.page)
            }

            /// How many items the whole list holds under the given filter.
            async fn total_count(&self) -> u64 {
                self.total_count
            }
        }

        impl Connection for $connection {
            type Item = $node;

            fn new(page: Page<$node>, total_count: u64) -> Self {
                Self { page, total_count }
            }
        }
    };
}

pub struct ClusterEdge<'a> {
    cursor: &'a str,
    node: &'a Cluster,
    highlight: Option<&'a str>,
}

/// One `Cluster` of a connection, with its cursor and, in the results of a text search, the
/// extract that matched.
#[Object]
impl<'a> ClusterEdge<'a> {
    /// Where to continue from with `after` or `before`.
    async fn cursor(&self) -> &str {
        self.cursor
    }

    /// The `Cluster`.
    async fn node(&self) -> &Cluster {
        self.node
    }

    /// With a text search (`clusters(filter: {query})`): the extract of the profile that matched,
    /// the match in [brackets]; null otherwise.
    async fn highlight(&self) -> Option<&str> {
        self.highlight
    }
}

pub struct ClusterConnection {
    page: Page<Cluster>,
    total_count: u64,
    /// A text search's extract of each hit, by cluster.
    highlights: HashMap<Uuid, String>,
}

/// A page of `Cluster` items, paged with `first`/`after` or `last`/`before`.
#[Object]
impl ClusterConnection {
    /// The `Cluster` items of this page, each with its cursor (and its highlight in a text search).
    async fn edges(&self) -> Vec<ClusterEdge<'_>> {
        self.page
            .items
            .iter()
            .map(|(cursor, node)| ClusterEdge {
                cursor,
                node,
                highlight: self.highlights.get(&node.0.id).map(String::as_str),
            })
            .collect()
    }

    /// The nodes of `edges`, for clients that need no cursors.
    async fn nodes(&self) -> Vec<&Cluster> {
        self.page.items.iter().map(|(_, node)| node).collect()
    }

    /// Where this page lies in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page)
    }

    /// How many items the whole list holds under the given filter.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

impl Connection for ClusterConnection {
    type Item = Cluster;

    fn new(page: Page<Cluster>, total_count: u64) -> Self {
        Self {
            page,
            total_count,
            highlights: HashMap::new(),
        }
    }
}

impl ClusterConnection {
    /// The page with each hit's highlight on its edge: the highlight belongs to the hit, not to
    /// the cluster, which other lists of the same request may show too.
    pub fn with_highlights(self, highlights: HashMap<Uuid, String>) -> Self {
        Self { highlights, ..self }
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

pub struct PartnershipMemberEdge<'a> {
    cursor: &'a str,
    seat: &'a partnership_member::Model,
    node: &'a Cluster,
}

/// A cluster's seat in a partnership, on the edge that leads to the cluster.
#[Object]
impl<'a> PartnershipMemberEdge<'a> {
    /// Where to continue from with `after` or `before`.
    async fn cursor(&self) -> &str {
        self.cursor
    }

    /// The member cluster.
    async fn node(&self) -> &Cluster {
        self.node
    }

    /// The cluster's role in the partnership.
    async fn role(&self) -> PartnershipRole {
        self.seat.role.into()
    }

    /// Whether the cluster accepted its seat.
    async fn invitation_state(&self) -> InvitationState {
        self.seat.invitation_state.into()
    }

    /// When the cluster took its seat or was invited.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.seat.joined_at
    }
}

pub struct PartnershipMemberConnection {
    page: Page<(partnership_member::Model, Cluster)>,
    total_count: u64,
}

/// The member clusters of a partnership.
#[Object]
impl PartnershipMemberConnection {
    /// The member clusters of this page, each with its seat.
    async fn edges(&self) -> Vec<PartnershipMemberEdge<'_>> {
        self.page
            .items
            .iter()
            .map(|(cursor, (seat, node))| PartnershipMemberEdge { cursor, seat, node })
            .collect()
    }

    /// The clusters of `edges`, for clients that need no cursors or seats.
    async fn nodes(&self) -> Vec<&Cluster> {
        self.page.items.iter().map(|(_, (_, node))| node).collect()
    }

    /// Where this page lies in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page)
    }

    /// How many member clusters you may see.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

impl Connection for PartnershipMemberConnection {
    type Item = (partnership_member::Model, cluster::Model);

    fn new(page: Page<Self::Item>, total_count: u64) -> Self {
        Self {
            page: page.map(|(seat, cluster)| (seat, Cluster(cluster))),
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
