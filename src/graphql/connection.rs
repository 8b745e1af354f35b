//! Relay connections, named per node type as GitHub names them (`ClusterConnection`, `ClusterEdge`).

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entity::{cluster, partnership_member};

use super::{
    account::AuditEntry,
    cluster::Cluster,
    enums::{InvitationState, PartnershipRole},
    member::Member,
    partner_organisation::PartnerOrganisation,
    partner_search::{ExpressionOfInterest, PartnerSearch},
    partnership::Partnership,
    success_story::SuccessStory,
};
use crate::domain::pagination::Page;

/// Information to aid in pagination.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub start_cursor: Option<String>,
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

macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Where to continue from with `after` or `before`.
            pub cursor: String,
            pub node: $node,
        }

        #[derive(SimpleObject)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            /// The nodes of `edges`, for clients that need no cursors.
            pub nodes: Vec<$node>,
            pub page_info: PageInfo,
            /// How many items the whole list holds under the given filter.
            pub total_count: u64,
        }

        impl $connection {
            pub fn new(page: Page<$node>, total_count: u64) -> Self {
                let page_info = PageInfo::of(&page);
                let nodes = page.items.iter().map(|(_, n)| n.clone()).collect();
                let edges = page
                    .items
                    .into_iter()
                    .map(|(cursor, node)| $edge { cursor, node })
                    .collect();
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

connection!(ClusterConnection, ClusterEdge, Cluster);
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
    pub cursor: String,
    pub node: Cluster,
    pub role: PartnershipRole,
    pub invitation_state: InvitationState,
    pub joined_at: DateTime<Utc>,
}

/// The member clusters of a partnership.
#[derive(SimpleObject)]
pub struct PartnershipMemberConnection {
    pub edges: Vec<PartnershipMemberEdge>,
    pub nodes: Vec<Cluster>,
    pub page_info: PageInfo,
    pub total_count: u64,
}

impl PartnershipMemberConnection {
    pub fn new(page: Page<(partnership_member::Model, cluster::Model)>, total_count: u64) -> Self {
        let page_info = PageInfo::of(&page);
        let nodes = page.items.iter().map(|(_, (_, c))| Cluster(c.clone())).collect();
        let edges = page
            .items
            .into_iter()
            .map(|(cursor, (seat, c))| PartnershipMemberEdge {
                cursor,
                node: Cluster(c),
                role: seat.role.into(),
                invitation_state: seat.invitation_state.into(),
                joined_at: seat.joined_at,
            })
            .collect();
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
