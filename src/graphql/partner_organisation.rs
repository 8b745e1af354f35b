//! National partners (CNFI for Taiwan) in GraphQL.

use async_graphql::{Context, Object, ID};
use entity::partner_organisation as row;

use super::{
    cluster::Cluster,
    connection::{slice_connection, PartnerOrganisationConnection},
    context::{db, list, loaders},
    loaders as l, node,
};
use crate::{
    domain::{pagination::PageRequest, partner_organisation as domain, validation::Checker},
    error::AppResult,
};

pub const TYPE_NAME: &str = "PartnerOrganisation";

#[derive(Clone)]
pub struct PartnerOrganisation(pub row::Model);

#[Object]
/// A national partner of the platform, which registers and looks after the clusters of the
/// countries it represents.
impl PartnerOrganisation {
    /// Opaque global identifier; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The organisation's name in English.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The name in the organisation's own language.
    async fn local_name(&self) -> Option<&str> {
        self.0.local_name.as_deref()
    }
    /// Short name, e.g. CNFI.
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    /// Website, an http(s) URL.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// ISO 3166-1 alpha-2 codes of the countries it represents.
    async fn countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::PartnerOrganisationCountriesOf(self.0.id)).await
    }
    /// Its own cluster profile, if it has one and you may see it.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        let Some(id) = self.0.cluster_id else { return Ok(None) };
        Ok(loaders(ctx).load_one(l::ClusterById(id)).await?.map(Cluster))
    }
}

#[derive(Default)]
pub struct PartnerOrganisationQuery;

#[Object]
impl PartnerOrganisationQuery {
    /// National partners, by name; optionally only those representing `country`.
    async fn partner_organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the partners representing this country: an ISO 3166-1 alpha-2 code.")] country: Option<
            String,
        >,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<PartnerOrganisationConnection> {
        let request = PageRequest::new(first, after, last, before);
        request.window()?;
        let country = match country {
            Some(mut c) => {
                let mut check = Checker::new();
                check.country("country", &mut c);
                check.finish()?;
                Some(c)
            }
            None => None,
        };
        let all = domain::list(db(ctx), country.as_deref()).await?;
        slice_connection(all, &request, PartnerOrganisation)
    }
}
