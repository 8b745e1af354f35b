//! The partner-search marketplace in GraphQL.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{expression_of_interest, partner_search as row};

use super::{
    cluster::{Cluster, TYPE_NAME as CLUSTER},
    connection::{
        slice_connection, total_count_if_selected, Connection, ExpressionOfInterestConnection, PartnerSearchConnection,
    },
    context::{caller, db, links, list, loaders, look_up, visibility},
    enums::{to_entity, Ecosystem},
    guarded_loaders as g, loaders as l, node,
    scalars::Date,
};
use crate::{
    domain::{
        pagination::PageRequest,
        partner_search::{self as domain, NewPartnerSearch, PartnerSearchFilter as DomainFilter},
        policy,
    },
    error::AppResult,
};

pub const TYPE_NAME: &str = "PartnerSearch";
pub const EXPRESSION_OF_INTEREST: &str = "ExpressionOfInterest";

/// Whether a partner search offers or asks for cooperation.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::PartnerSearchKind")]
pub enum PartnerSearchKind {
    /// The cluster offers cooperation.
    Offer,
    /// The cluster looks for a partner.
    Request,
}

#[derive(Clone)]
pub struct PartnerSearch(pub row::Model);

#[derive(Clone)]
pub struct ExpressionOfInterest(pub expression_of_interest::Model);

#[Object]
/// A cluster's answer to a partner search.
impl ExpressionOfInterest {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(EXPRESSION_OF_INTEREST, self.0.id)
    }
    /// The cluster that answered; null when you may not see it.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        Ok(loaders(ctx)
            .load_one(l::ClusterById(self.0.cluster_id))
            .await?
            .map(Cluster))
    }
    /// What the answering cluster wrote.
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// When the answer was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[Object]
/// A cluster's offer of, or request for, cooperation.
impl PartnerSearch {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// Whether it offers or asks for cooperation.
    async fn kind(&self) -> PartnerSearchKind {
        self.0.kind.into()
    }
    /// A one-line summary.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What is offered or sought; plain text.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The last day it is open.
    async fn expires_on(&self) -> Date {
        Date(self.0.expires_on)
    }
    /// The cluster that posted it.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        Ok(loaders(ctx)
            .load_one(l::ClusterById(self.0.cluster_id))
            .await?
            .map(Cluster))
    }
    /// EU industrial ecosystems it is about.
    async fn ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        let values = list(ctx, l::SearchEcosystemsOf(self.0.id)).await?;
        Ok(values.into_iter().map(Into::into).collect())
    }
    /// ISO 3166-1 alpha-2 codes of the countries it is aimed at.
    async fn target_countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::SearchCountriesOf(self.0.id)).await
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Who answered, newest first: for the posting cluster's editors only.
    async fn interests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<ExpressionOfInterestConnection> {
        let request = PageRequest::new(first, after, last, before);
        let all = domain::interests(db(ctx), caller(ctx).principal(), self.0.id).await?;
        slice_connection(all, &request, ExpressionOfInterest)
    }
}

/// Narrows partner searches. Values within a field are alternatives (OR); fields combine (AND).
#[derive(InputObject, Default)]
pub struct PartnerSearchFilter {
    /// Offers, requests or both.
    pub kinds: Option<Vec<PartnerSearchKind>>,
    /// Searches about one of these EU industrial ecosystems.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// Searches aimed at one of these countries.
    pub target_countries: Option<Vec<String>>,
    /// Searches of one cluster.
    pub cluster_id: Option<ID>,
}

#[derive(Default)]
pub struct PartnerSearchQuery;

#[Object]
impl PartnerSearchQuery {
    /// An open partner search by its global ID; null when it does not exist, has expired or is
    /// of a cluster you may not see (as in `partnerSearches`).
    async fn partner_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner search's global ID.")] id: ID,
    ) -> AppResult<Option<PartnerSearch>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(look_up(ctx, g::PartnerSearchById(id)).await?.map(PartnerSearch))
    }

    /// Open partner searches (expired ones drop out), newest first.
    async fn partner_searches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the searches that match.")] filter: Option<PartnerSearchFilter>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<PartnerSearchConnection> {
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = filter.unwrap_or_default();
        let mut filter = DomainFilter {
            kinds: to_entity(filter.kinds),
            ecosystems: to_entity(filter.ecosystems),
            target_countries: filter.target_countries.unwrap_or_default(),
            cluster_id: filter
                .cluster_id
                .map(|id| node::decode("filter.clusterId", &id, CLUSTER))
                .transpose()?,
        };
        filter.validate()?;
        let visibility = visibility(ctx);
        let page = domain::list(db(ctx), &visibility, &filter, &window)
            .await?
            .map(PartnerSearch);
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &visibility, &filter)).await?;
        Ok(PartnerSearchConnection::new(page, total))
    }
}

/// A new partner search for a cluster you may edit.
#[derive(InputObject)]
pub struct CreatePartnerSearchInput {
    /// The posting cluster's global ID.
    pub cluster_id: ID,
    /// Whether it offers or asks for cooperation.
    pub kind: PartnerSearchKind,
    /// A one-line summary; trimmed, not empty.
    pub title: String,
    /// What is offered or sought; plain text.
    pub description: String,
    /// The last day it is open; at most a year ahead.
    pub expires_on: Date,
    /// EU industrial ecosystems it is about.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// ISO 3166-1 alpha-2 codes of the countries it is aimed at.
    pub target_countries: Option<Vec<String>>,
}

/// The result of `createPartnerSearch`.
#[derive(SimpleObject)]
pub struct CreatePartnerSearchPayload {
    /// The new partner search.
    pub partner_search: PartnerSearch,
}

/// The partner search to withdraw.
#[derive(InputObject)]
pub struct DeletePartnerSearchInput {
    /// The partner search's global ID.
    pub id: ID,
}

/// The result of `deletePartnerSearch`.
#[derive(SimpleObject)]
pub struct DeletePartnerSearchPayload {
    /// The global ID of the partner search that was withdrawn.
    pub deleted_partner_search_id: ID,
}

/// An answer to a partner search.
#[derive(InputObject)]
pub struct ExpressInterestInput {
    /// The partner search's global ID.
    pub partner_search_id: ID,
    /// Your cluster that is interested.
    pub cluster_id: ID,
    /// What you offer or ask; trimmed, not empty.
    pub message: String,
}

/// The result of `expressInterest`.
#[derive(SimpleObject)]
pub struct ExpressInterestPayload {
    /// The answer sent.
    pub expression_of_interest: ExpressionOfInterest,
}

#[derive(Default)]
pub struct PartnerSearchMutation;

#[Object]
impl PartnerSearchMutation {
    /// Posts an offer or request for one of your clusters.
    async fn create_partner_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreatePartnerSearchInput`.")]
        input: CreatePartnerSearchInput,
    ) -> AppResult<CreatePartnerSearchPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let new = NewPartnerSearch {
            kind: input.kind.into(),
            title: input.title,
            description: input.description,
            expires_on: input.expires_on.0,
            ecosystems: to_entity(input.ecosystems),
            target_countries: input.target_countries.unwrap_or_default(),
        };
        let model = domain::create(db(ctx), actor, cluster_id, new).await?;
        Ok(CreatePartnerSearchPayload {
            partner_search: PartnerSearch(model),
        })
    }

    /// Withdraws a partner search of a cluster you may edit.
    async fn delete_partner_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `DeletePartnerSearchInput`.")]
        input: DeletePartnerSearchInput,
    ) -> AppResult<DeletePartnerSearchPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeletePartnerSearchPayload {
            deleted_partner_search_id: input.id,
        })
    }

    /// Answers an open partner search on behalf of one of your clusters, once. The account that
    /// posted the search is mailed a link to it (without your message), once per cluster.
    async fn express_interest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ExpressInterestInput`.")]
        input: ExpressInterestInput,
    ) -> AppResult<ExpressInterestPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let search_id = node::decode("partnerSearchId", &input.partner_search_id, TYPE_NAME)?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let model = domain::express_interest(db(ctx), links(ctx), actor, search_id, cluster_id, &input.message).await?;
        Ok(ExpressInterestPayload {
            expression_of_interest: ExpressionOfInterest(model),
        })
    }
}
