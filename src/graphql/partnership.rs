//! Strategic partnerships in GraphQL.
//!
//! Why this file is long: every field, input and payload carries the description GraphiQL shows;
//! without the doc comments it is about 340 lines.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::partnership as row;

use super::{
    cluster::{patch, TYPE_NAME as CLUSTER},
    connection::{
        nested_connection, total_count_if_selected, Connection, PartnershipConnection, PartnershipMemberConnection,
    },
    context::{caller, db, list, look_up},
    enums::{to_entity, Ecosystem, InvitationState, PartnershipKind, PartnershipRole, PartnershipStatus},
    loaders as l, node,
    scalars::Date,
};
use crate::{
    domain::{
        pagination::PageRequest,
        partnership::{self as domain, PartnershipFilter as DomainFilter, PartnershipProfile, Seat},
        policy,
    },
    error::AppResult,
};

pub const TYPE_NAME: &str = "Partnership";

#[derive(Clone)]
pub struct Partnership(pub row::Model);

#[Object]
/// A strategic partnership between clusters: an ESCP, a Eurocluster, a cooperation agreement or
/// a memorandum of understanding.
impl Partnership {
    /// Opaque global identifier; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The partnership's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Short name, e.g. ESCP-4i CLUSTERS MEET REGIONS.
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    /// The form of the partnership.
    async fn kind(&self) -> PartnershipKind {
        self.0.kind.into()
    }
    /// What the partnership does; plain text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// First day of the partnership.
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }
    /// Last day of the partnership.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }
    /// Funding programme, e.g. COSME or the Single Market Programme.
    async fn funding_programme(&self) -> Option<&str> {
        self.0.funding_programme.as_deref()
    }
    /// Funding in euros.
    async fn funding_eur(&self) -> Option<i64> {
        self.0.funding_eur
    }
    /// Where the partnership stands.
    async fn status(&self) -> PartnershipStatus {
        self.0.status.into()
    }
    /// Industrial ecosystems the partnership works on.
    async fn ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        let values = list(ctx, l::PartnershipEcosystemsOf(self.0.id)).await?;
        Ok(values.into_iter().map(Into::into).collect())
    }
    /// ISO 3166-1 alpha-2 codes of the countries the partnership aims at.
    async fn target_markets(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::TargetMarketsOf(self.0.id)).await
    }
    /// Increases with every change; send it back with `updatePartnership`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the partnership was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the partnership last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Member clusters you may see, coordinator first, then by name.
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<PartnershipMemberConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(
            ctx,
            l::NestedList::PartnershipMembers,
            self.0.id,
            request,
            |item| match item {
                l::NestedItem::Seat(seat, cluster) => Some((seat, cluster)),
                _ => None,
            },
        )
        .await
    }
}

/// Narrows partnerships. Values within a field are alternatives (OR); fields combine (AND).
#[derive(InputObject, Default)]
pub struct PartnershipFilter {
    /// Partnerships of one of these kinds.
    pub kinds: Option<Vec<PartnershipKind>>,
    /// Partnerships in one of these states.
    pub statuses: Option<Vec<PartnershipStatus>>,
    /// Only records changed (their `updatedAt`) at or after this moment: a cheap poll for
    /// what changed since the last look (the change feeds also report deletions).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Default)]
pub struct PartnershipQuery;

#[Object]
impl PartnershipQuery {
    /// A partnership by its global ID; null when it does not exist.
    async fn partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partnership's global ID.")] id: ID,
    ) -> AppResult<Option<Partnership>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(look_up(ctx, l::PartnershipById(id)).await?.map(Partnership))
    }

    /// Partnerships by name.
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the partnerships that match.")] filter: Option<PartnershipFilter>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<PartnershipConnection> {
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = filter.unwrap_or_default();
        let filter = DomainFilter {
            kinds: to_entity(filter.kinds),
            statuses: to_entity(filter.statuses),
            updated_since: filter.updated_since,
        };
        let page = domain::list(db(ctx), &filter, &window).await?;
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &filter)).await?;
        Ok(PartnershipConnection::new(page.map(Partnership), total))
    }
}

/// A founding member of a new partnership.
#[derive(InputObject)]
pub struct PartnershipSeatInput {
    /// The cluster's global ID.
    pub cluster_id: ID,
    /// Its role; PARTNER when left out.
    #[graphql(default_with = "PartnershipRole::Partner")]
    pub role: PartnershipRole,
}

/// A new partnership. You must be able to edit its coordinating cluster among `members` (or one
/// of them when none coordinates); administrators may found any.
#[derive(InputObject)]
pub struct CreatePartnershipInput {
    /// The partnership's name; trimmed, not empty.
    pub name: String,
    /// Short name.
    pub acronym: Option<String>,
    /// The form of the partnership.
    pub kind: PartnershipKind,
    /// What the partnership does; plain text.
    pub description: Option<String>,
    /// First day.
    pub starts_on: Option<Date>,
    /// Last day; not before `startsOn`.
    pub ends_on: Option<Date>,
    /// Funding programme, e.g. COSME or the Single Market Programme.
    pub funding_programme: Option<String>,
    /// Whole euros.
    pub funding_eur: Option<i64>,
    /// PROPOSED unless given.
    pub status: Option<PartnershipStatus>,
    /// EU industrial ecosystems the partnership works on.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// ISO 3166-1 alpha-2 codes.
    pub target_markets: Option<Vec<String>>,
    /// The founding member clusters.
    pub members: Option<Vec<PartnershipSeatInput>>,
}

/// Changes to a partnership. Left-out fields stay; null clears an optional field.
#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    /// The partnership's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed it (CONFLICT).
    pub version: i32,
    /// The partnership's name; trimmed, not empty.
    pub name: Option<String>,
    /// Short name.
    pub acronym: MaybeUndefined<String>,
    /// The form of the partnership.
    pub kind: Option<PartnershipKind>,
    /// What the partnership does; plain text.
    pub description: MaybeUndefined<String>,
    /// First day.
    pub starts_on: MaybeUndefined<Date>,
    /// Last day; not before `startsOn`.
    pub ends_on: MaybeUndefined<Date>,
    /// Funding programme, e.g. COSME or the Single Market Programme.
    pub funding_programme: MaybeUndefined<String>,
    /// Funding in whole euros.
    pub funding_eur: MaybeUndefined<i64>,
    /// Where the partnership stands.
    pub status: Option<PartnershipStatus>,
    /// EU industrial ecosystems; replaces the list.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// ISO 3166-1 alpha-2 codes of the countries aimed at; replaces the list.
    pub target_markets: Option<Vec<String>>,
}

/// The partnership to delete.
#[derive(InputObject)]
pub struct DeletePartnershipInput {
    /// The partnership's global ID.
    pub id: ID,
}

/// A cluster to seat in a partnership.
#[derive(InputObject)]
pub struct AddPartnershipMemberInput {
    /// The partnership's global ID.
    pub partnership_id: ID,
    /// The cluster's global ID.
    pub cluster_id: ID,
    /// Its role; PARTNER when left out.
    #[graphql(default_with = "PartnershipRole::Partner")]
    pub role: PartnershipRole,
    /// Administrators set it (ACCEPTED when left out). Otherwise the coordinator's editors invite: the
    /// cluster's editors answer with `respondToPartnershipInvitation`, and the seat is taken at once
    /// when you also edit the joining cluster.
    #[graphql(default_with = "InvitationState::Accepted")]
    pub invitation_state: InvitationState,
}

/// A cluster to take out of a partnership.
#[derive(InputObject)]
pub struct RemovePartnershipMemberInput {
    /// The partnership's global ID.
    pub partnership_id: ID,
    /// The cluster's global ID.
    pub cluster_id: ID,
}

/// An answer to a partnership's invitation.
#[derive(InputObject)]
pub struct RespondToPartnershipInvitationInput {
    /// The partnership's global ID.
    pub partnership_id: ID,
    /// Your invited cluster.
    pub cluster_id: ID,
    /// True to join, false to decline.
    pub accept: bool,
}

/// The result of `respondToPartnershipInvitation`.
#[derive(SimpleObject)]
pub struct RespondToPartnershipInvitationPayload {
    /// The partnership with your cluster's new state.
    pub partnership: Partnership,
}

/// The result of `createPartnership`.
#[derive(SimpleObject)]
pub struct CreatePartnershipPayload {
    /// The new partnership.
    pub partnership: Partnership,
}

/// The result of `updatePartnership`.
#[derive(SimpleObject)]
pub struct UpdatePartnershipPayload {
    /// The partnership as changed, with its new `version`.
    pub partnership: Partnership,
}

/// The result of `deletePartnership`.
#[derive(SimpleObject)]
pub struct DeletePartnershipPayload {
    /// The global ID of the partnership that was deleted.
    pub deleted_partnership_id: ID,
}

/// The result of `addPartnershipMember`.
#[derive(SimpleObject)]
pub struct AddPartnershipMemberPayload {
    /// The partnership with its new member.
    pub partnership: Partnership,
}

/// The result of `removePartnershipMember`.
#[derive(SimpleObject)]
pub struct RemovePartnershipMemberPayload {
    /// The partnership without the removed member.
    pub partnership: Partnership,
}

#[derive(Default)]
pub struct PartnershipMutation;

#[Object]
impl PartnershipMutation {
    /// Records a new partnership with its founding members.
    async fn create_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreatePartnershipInput`.")]
        input: CreatePartnershipInput,
    ) -> AppResult<CreatePartnershipPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let seats = input
            .members
            .unwrap_or_default()
            .iter()
            .map(|s| {
                Ok(Seat {
                    cluster_id: node::decode("members.clusterId", &s.cluster_id, CLUSTER)?,
                    role: s.role.into(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let profile = PartnershipProfile {
            name: input.name,
            acronym: input.acronym,
            kind: input.kind.into(),
            description: input.description,
            starts_on: input.starts_on.map(Into::into),
            ends_on: input.ends_on.map(Into::into),
            funding_programme: input.funding_programme,
            funding_eur: input.funding_eur,
            status: input
                .status
                .map(Into::into)
                .unwrap_or(entity::taxonomy::PartnershipStatus::Proposed),
            ecosystems: to_entity(input.ecosystems),
            target_markets: input.target_markets.unwrap_or_default(),
        };
        let model = domain::create(db(ctx), actor, profile, seats).await?;
        Ok(CreatePartnershipPayload {
            partnership: Partnership(model),
        })
    }

    /// Changes a partnership, provided nobody else changed it since you read `version`.
    async fn update_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdatePartnershipInput`.")]
        input: UpdatePartnershipInput,
    ) -> AppResult<UpdatePartnershipPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::update(db(ctx), actor, id, input.version, |p| {
            if let Some(name) = input.name {
                p.name = name;
            }
            patch(&mut p.acronym, input.acronym);
            if let Some(kind) = input.kind {
                p.kind = kind.into();
            }
            patch(&mut p.description, input.description);
            patch(&mut p.starts_on, input.starts_on.map_value(Into::into));
            patch(&mut p.ends_on, input.ends_on.map_value(Into::into));
            patch(&mut p.funding_programme, input.funding_programme);
            patch(&mut p.funding_eur, input.funding_eur);
            if let Some(status) = input.status {
                p.status = status.into();
            }
            if input.ecosystems.is_some() {
                p.ecosystems = to_entity(input.ecosystems);
            }
            if let Some(markets) = input.target_markets {
                p.target_markets = markets;
            }
        })
        .await?;
        Ok(UpdatePartnershipPayload {
            partnership: Partnership(model),
        })
    }

    /// Deletes a partnership with its seats: for the coordinator's editors.
    async fn delete_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `DeletePartnershipInput`.")]
        input: DeletePartnershipInput,
    ) -> AppResult<DeletePartnershipPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeletePartnershipPayload {
            deleted_partnership_id: input.id,
        })
    }

    /// Gives a cluster a seat in a partnership.
    async fn add_partnership_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `AddPartnershipMemberInput`.")]
        input: AddPartnershipMemberInput,
    ) -> AppResult<AddPartnershipMemberPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let partnership_id = node::decode("partnershipId", &input.partnership_id, TYPE_NAME)?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let seat = Seat {
            cluster_id,
            role: input.role.into(),
        };
        let model = domain::add_member(db(ctx), actor, partnership_id, seat, input.invitation_state.into()).await?;
        Ok(AddPartnershipMemberPayload {
            partnership: Partnership(model),
        })
    }

    /// Takes a cluster out of a partnership: for the coordinator's editors.
    async fn remove_partnership_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RemovePartnershipMemberInput`.")]
        input: RemovePartnershipMemberInput,
    ) -> AppResult<RemovePartnershipMemberPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let partnership_id = node::decode("partnershipId", &input.partnership_id, TYPE_NAME)?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let model = domain::remove_member(db(ctx), actor, partnership_id, cluster_id).await?;
        Ok(RemovePartnershipMemberPayload {
            partnership: Partnership(model),
        })
    }

    /// Accepts or declines your cluster's invitation to a partnership.
    async fn respond_to_partnership_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RespondToPartnershipInvitationInput`.")]
        input: RespondToPartnershipInvitationInput,
    ) -> AppResult<RespondToPartnershipInvitationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let partnership_id = node::decode("partnershipId", &input.partnership_id, TYPE_NAME)?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let model = domain::respond_to_invitation(db(ctx), actor, partnership_id, cluster_id, input.accept).await?;
        Ok(RespondToPartnershipInvitationPayload {
            partnership: Partnership(model),
        })
    }
}
