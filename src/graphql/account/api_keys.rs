//! API keys in GraphQL: the credentials of partner systems, scoped to countries of their partner
//! organisation, and their exchange for access tokens.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::api_key;

use crate::{
    domain::{api_key as keys, policy},
    error::{AppError, AppResult},
    graphql::{
        context::{caller, db, loaders, tokens},
        loaders as l, node,
        partner_organisation::{PartnerOrganisation, TYPE_NAME as PARTNER_ORGANISATION},
    },
};

pub const API_KEY: &str = "ApiKey";

#[derive(Clone)]
pub struct ApiKey(pub api_key::Model);

#[Object]
impl ApiKey {
    pub async fn id(&self) -> ID {
        node::encode(API_KEY, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The public start of the key (`cbk_<prefix>_…`), to tell keys apart.
    async fn prefix(&self) -> String {
        format!("{}{}", keys::KEY_PREFIX, self.0.prefix)
    }
    async fn countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        keys::countries_of(db(ctx), self.0.id).await
    }
    async fn partner_organisation(&self, ctx: &Context<'_>) -> AppResult<Option<PartnerOrganisation>> {
        let id = self.0.partner_organisation_id;
        Ok(loaders(ctx)
            .load_one(l::PartnerOrganisationById(id))
            .await?
            .map(PartnerOrganisation))
    }
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    async fn trusted_documents_only(&self) -> bool {
        self.0.trusted_documents_only
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// The API keys of a partner organisation, newest first.
    async fn api_keys(&self, ctx: &Context<'_>, partner_organisation_id: ID) -> AppResult<Vec<ApiKey>> {
        let actor = policy::signed_in(caller(ctx))?;
        let org = node::decode("partnerOrganisationId", &partner_organisation_id, PARTNER_ORGANISATION)?;
        Ok(keys::list(db(ctx), actor, org).await?.into_iter().map(ApiKey).collect())
    }
}

#[derive(InputObject)]
pub struct CreateApiKeyInput {
    pub name: String,
    pub partner_organisation_id: ID,
    /// Countries the key acts for; all of the organisation's you cover when left out.
    pub countries: Option<Vec<String>>,
    /// At most a year ahead; 90 days when left out.
    pub expires_at: Option<DateTime<Utc>>,
    /// Allow-list mode: the key may run only trusted documents, sent by their hash.
    #[graphql(default)]
    pub trusted_documents_only: bool,
}

#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    pub api_key: ApiKey,
    /// The key itself, shown this once: store it safely.
    pub key: String,
}

#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    pub api_key: ApiKey,
}

#[derive(InputObject)]
pub struct ExchangeApiKeyInput {
    pub key: String,
}

#[derive(SimpleObject)]
pub struct ExchangeApiKeyPayload {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
}

#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    /// A key for a partner system, scoped to countries of its partner organisation.
    async fn create_api_key(&self, ctx: &Context<'_>, input: CreateApiKeyInput) -> AppResult<CreateApiKeyPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let org = node::decode(
            "partnerOrganisationId",
            &input.partner_organisation_id,
            PARTNER_ORGANISATION,
        )?;
        let created = keys::create(
            db(ctx),
            actor,
            &input.name,
            org,
            input.countries,
            input.expires_at,
            input.trusted_documents_only,
        )
        .await?;
        Ok(CreateApiKeyPayload {
            api_key: ApiKey(created.model),
            key: created.key,
        })
    }

    async fn revoke_api_key(&self, ctx: &Context<'_>, input: RevokeApiKeyInput) -> AppResult<RevokeApiKeyPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, API_KEY)?;
        Ok(RevokeApiKeyPayload {
            api_key: ApiKey(keys::revoke(db(ctx), actor, id).await?),
        })
    }

    /// Trades an API key for a short-lived access token (sending the key as a bearer token works too).
    async fn exchange_api_key(
        &self,
        ctx: &Context<'_>,
        input: ExchangeApiKeyInput,
    ) -> AppResult<ExchangeApiKeyPayload> {
        let holder = keys::authenticate(db(ctx), &input.key).await?;
        if holder.trusted_documents_only {
            // An access token would carry the key's rights without its allow-list.
            return Err(AppError::Forbidden(
                "an allow-list key cannot be exchanged; send it as the bearer".into(),
            ));
        }
        let principal = holder.principal;
        let tokens = tokens(ctx);
        Ok(ExchangeApiKeyPayload {
            access_token: tokens.issue(&principal, tokens.access_ttl)?,
            token_type: "Bearer".into(),
            expires_in: tokens.access_ttl.as_secs(),
        })
    }
}
