//! API keys in GraphQL: the credentials of partner systems, scoped to countries of their partner
//! organisation, and their exchange for access tokens.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::api_key;

use crate::{
    domain::{api_key as keys, policy},
    error::AppResult,
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
/// A credential for a partner system, acting for a partner organisation in some of its countries. The key itself is shown only once, when it is created.
impl ApiKey {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(API_KEY, self.0.id)
    }
    /// A name for people, e.g. "CNFI nightly sync".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The public start of the key (`cbk_<prefix>_…`), to tell keys apart.
    async fn prefix(&self) -> String {
        format!("{}{}", keys::KEY_PREFIX, self.0.prefix)
    }
    /// ISO 3166-1 alpha-2 codes of the countries the key acts for.
    async fn countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        keys::countries_of(db(ctx), self.0.id).await
    }
    /// The partner organisation the key belongs to.
    async fn partner_organisation(&self, ctx: &Context<'_>) -> AppResult<Option<PartnerOrganisation>> {
        let id = self.0.partner_organisation_id;
        Ok(loaders(ctx)
            .load_one(l::PartnerOrganisationById(id))
            .await?
            .map(PartnerOrganisation))
    }
    /// When the key stops working; at most a year after it was made.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// When the key was revoked; null while it works.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// When the key was last used; null if never.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// Allow-list mode: the key may run only documents an administrator trusted, sent by their hash.
    async fn trusted_documents_only(&self) -> bool {
        self.0.trusted_documents_only
    }
    /// When the key was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// The API keys of a partner organisation, newest first.
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner organisation's global ID; you must belong to it or be an administrator.")]
        partner_organisation_id: ID,
    ) -> AppResult<Vec<ApiKey>> {
        let actor = policy::signed_in(caller(ctx))?;
        let org = node::decode("partnerOrganisationId", &partner_organisation_id, PARTNER_ORGANISATION)?;
        Ok(keys::list(db(ctx), actor, org).await?.into_iter().map(ApiKey).collect())
    }
}

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// A name for people, e.g. "CNFI nightly sync".
    pub name: String,
    /// The partner organisation the key acts for; you must belong to it or be an administrator.
    pub partner_organisation_id: ID,
    /// Countries the key acts for; all of the organisation's you cover when left out.
    pub countries: Option<Vec<String>>,
    /// At most a year ahead; 90 days when left out.
    pub expires_at: Option<DateTime<Utc>>,
    /// Allow-list mode: the key may run only trusted documents, sent by their hash.
    #[graphql(default)]
    pub trusted_documents_only: bool,
}

/// The result of `createApiKey`.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The new key's record.
    pub api_key: ApiKey,
    /// The key itself, shown this once: store it safely.
    pub key: String,
}

/// The key to revoke.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key's global ID.
    pub id: ID,
}

/// The result of `revokeApiKey`.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The key, now with `revokedAt`.
    pub api_key: ApiKey,
}

/// The API key to trade.
#[derive(InputObject)]
pub struct ExchangeApiKeyInput {
    /// The key as `createApiKey` showed it.
    pub key: String,
}

/// A short-lived access token for an API key.
#[derive(SimpleObject)]
pub struct ExchangeApiKeyPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    /// A key for a partner system, scoped to countries of its partner organisation.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreateApiKeyInput`.")]
        input: CreateApiKeyInput,
    ) -> AppResult<CreateApiKeyPayload> {
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

    /// Stops a key from working, at once and for good.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RevokeApiKeyInput`.")]
        input: RevokeApiKeyInput,
    ) -> AppResult<RevokeApiKeyPayload> {
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
        #[graphql(desc = "The mutation's input; its fields are described on `ExchangeApiKeyInput`.")]
        input: ExchangeApiKeyInput,
    ) -> AppResult<ExchangeApiKeyPayload> {
        let holder = keys::authenticate(db(ctx), &input.key).await?;
        policy::may_exchange_api_key(holder.trusted_documents_only)?;
        let principal = holder.principal;
        let tokens = tokens(ctx);
        Ok(ExchangeApiKeyPayload {
            access_token: tokens.issue(&principal, tokens.access_ttl)?,
            token_type: "Bearer".into(),
            expires_in: tokens.access_ttl.as_secs(),
        })
    }
}
