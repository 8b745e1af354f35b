//! Strategic partnerships in GraphQL.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::partnership as row;

use super::{
    cluster::{patch, TYPE_NAME as CLUSTER},
    connection::{
        nested_connection, total_count_if_selected, Connection, PartnershipConnection, PartnershipMemberConnection,
    },
    context::{caller, db, list, loaders},
    cost::page_cost,
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

/// A strategic partnership between clusters: an ESCP, a Eurocluster, a cooperation agreement or
/// a memorandum of understanding.
#[derive(Clone)]
pub struct Partnership(pub row::Model);

#[Object]
impl Partnership {
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    async fn kind(&self) -> PartnershipKind {
        self.0.kind.into()
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }
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
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Member clusters you may see, coordinator first, then by name.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<PartnershipMemberConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(ctx, l::MembershipsOf(self.0.id), request, std::convert::identity).await
    }
}

#[derive(InputObject, Default)]
pub struct PartnershipFilter {
    pub kinds: Option<Vec<PartnershipKind>>,
    pub statuses: Option<Vec<PartnershipStatus>>,
}

#[derive(Default)]
pub struct PartnershipQuery;

#[Object]
impl PartnershipQuery {
    async fn partnership(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Partnership>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(loaders(ctx).load_one(l::PartnershipById(id)).await?.map(Partnership))
    }

    /// Partnerships by name.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        filter: Option<PartnershipFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<PartnershipConnection> {
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = filter.unwrap_or_default();
        let filter = DomainFilter {
            kinds: to_entity(filter.kinds),
            statuses: to_entity(filter.statuses),
        };
        let page = domain::list(db(ctx), &filter, &window).await?;
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &filter)).await?;
        Ok(PartnershipConnection::new(page.map(Partnership), total))
    }
}

#[derive(InputObject)]
pub struct PartnershipSeatInput {
    pub cluster_id: ID,
    #[graphql(default_with = "PartnershipRole::Partner")]
    pub role: PartnershipRole,
}

#[derive(InputObject)]
pub struct CreatePartnershipInput {
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnershipKind,
    pub description: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub funding_programme: Option<String>,
    /// Whole euros.
    pub funding_eur: Option<i64>,
    /// PROPOSED unless given.
    pub status: Option<PartnershipStatus>,
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// ISO 3166-1 alpha-2 codes.
    pub target_markets: Option<Vec<String>>,
    /// The founding member clusters.
    pub members: Option<Vec<PartnershipSeatInput>>,
}

/// Changes to a partnership. Left-out fields stay; null clears an optional field.
#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    pub id: ID,
    pub version: i32,
    pub name: Option<String>,
    pub acronym: MaybeUndefined<String>,
    pub kind: Option<PartnershipKind>,
    pub description: MaybeUndefined<String>,
    pub starts_on: MaybeUndefined<Date>,
    pub ends_on: MaybeUndefined<Date>,
    pub funding_programme: MaybeUndefined<String>,
    pub funding_eur: MaybeUndefined<i64>,
    pub status: Option<PartnershipStatus>,
    pub ecosystems: Option<Vec<Ecosystem>>,
    pub target_markets: Option<Vec<String>>,
}

#[derive(InputObject)]
pub struct DeletePartnershipInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct AddPartnershipMemberInput {
    pub partnership_id: ID,
    pub cluster_id: ID,
    #[graphql(default_with = "PartnershipRole::Partner")]
    pub role: PartnershipRole,
    #[graphql(default_with = "InvitationState::Accepted")]
    pub invitation_state: InvitationState,
}

#[derive(InputObject)]
pub struct RemovePartnershipMemberInput {
    pub partnership_id: ID,
    pub cluster_id: ID,
}

#[derive(InputObject)]
pub struct RespondToPartnershipInvitationInput {
    pub partnership_id: ID,
    /// Your invited cluster.
    pub cluster_id: ID,
    pub accept: bool,
}

#[derive(SimpleObject)]
pub struct RespondToPartnershipInvitationPayload {
    pub partnership: Partnership,
}

#[derive(SimpleObject)]
pub struct CreatePartnershipPayload {
    pub partnership: Partnership,
}

#[derive(SimpleObject)]
pub struct UpdatePartnershipPayload {
    pub partnership: Partnership,
}

#[derive(SimpleObject)]
pub struct DeletePartnershipPayload {
    pub deleted_partnership_id: ID,
}

#[derive(SimpleObject)]
pub struct AddPartnershipMemberPayload {
    pub partnership: Partnership,
}

#[derive(SimpleObject)]
pub struct RemovePartnershipMemberPayload {
    pub partnership: Partnership,
}

#[derive(Default)]
pub struct PartnershipMutation;

#[Object]
impl PartnershipMutation {
    async fn create_partnership(
        &self,
        ctx: &Context<'_>,
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

    async fn delete_partnership(
        &self,
        ctx: &Context<'_>,
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

    async fn remove_partnership_member(
        &self,
        ctx: &Context<'_>,
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
