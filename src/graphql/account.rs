//! Accounts in GraphQL: sign-up, sessions, roles, invitations, API keys and the audit log.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{api_key, audit_log, invitation, user};
use uuid::Uuid;

use super::{
    cluster::{Cluster, TYPE_NAME as CLUSTER},
    connection::AuditEntryConnection,
    context::{caller, db, loaders},
    cost::page_cost,
    loaders as l, node,
    partner_organisation::{PartnerOrganisation, TYPE_NAME as PARTNER_ORGANISATION},
};
use crate::{
    auth::{Actor, TokenService},
    domain::{
        account::{self, Grant},
        api_key as keys,
        audit::{self, AuditFilter},
        pagination::PageRequest,
        policy,
    },
    error::{AppError, AppResult},
};

pub const TYPE_NAME: &str = "User";
pub const API_KEY: &str = "ApiKey";
pub const INVITATION: &str = "Invitation";

fn tokens<'a>(ctx: &Context<'a>) -> &'a TokenService {
    ctx.data_unchecked::<TokenService>()
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    User,
    ClusterManager,
    Partner,
    Admin,
}

/// A person with an account.
#[derive(Clone)]
pub struct User(pub user::Model);

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Only for the person themself and administrators.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        let p = caller(ctx).principal()?;
        (p.is_admin() || p.actor == Actor::User(self.0.id)).then_some(self.0.email.as_str())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Who you are to the API, as your access token says.
pub struct Me(crate::auth::Principal);

#[Object]
impl Me {
    /// Your account; null for an API key or an operator's token.
    async fn user(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        match self.0.actor {
            Actor::User(id) => Ok(account::find_user(db(ctx), id).await?.map(User)),
            _ => Ok(None),
        }
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Your highest role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// Countries you act for as a partner.
    async fn countries(&self) -> &[String] {
        &self.0.countries
    }
    /// Clusters you manage.
    async fn clusters(&self, ctx: &Context<'_>) -> AppResult<Vec<Cluster>> {
        let found = loaders(ctx)
            .load_many(self.0.clusters.iter().copied().map(l::ClusterById))
            .await?;
        Ok(self
            .0
            .clusters
            .iter()
            .filter_map(|id| found.get(&l::ClusterById(*id)).cloned().map(Cluster))
            .collect())
    }
    async fn partner_organisations(&self, ctx: &Context<'_>) -> AppResult<Vec<PartnerOrganisation>> {
        let ids = &self.0.partner_organisations;
        let found = loaders(ctx)
            .load_many(ids.iter().copied().map(l::PartnerOrganisationById))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                found
                    .get(&l::PartnerOrganisationById(*id))
                    .cloned()
                    .map(PartnerOrganisation)
            })
            .collect())
    }
}

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

/// An invitation to manage a cluster.
pub struct Invitation(pub invitation::Model);

#[Object]
impl Invitation {
    async fn id(&self) -> ID {
        node::encode(INVITATION, self.0.id)
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        Ok(loaders(ctx)
            .load_one(l::ClusterById(self.0.cluster_id))
            .await?
            .map(Cluster))
    }
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
}

/// One successful change.
#[derive(Clone)]
pub struct AuditEntry(pub audit_log::Model);

#[Object]
impl AuditEntry {
    async fn id(&self) -> ID {
        node::encode("AuditEntry", self.0.id)
    }
    /// USER, API_KEY, EXTERNAL or OPERATOR.
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    /// The token subject of whoever made the change.
    async fn actor(&self) -> &str {
        &self.0.actor_label
    }
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The global ID of the changed record.
    async fn entity_id(&self) -> ID {
        node::encode(&self.0.entity_type, self.0.entity_id)
    }
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn changed_fields(&self) -> Vec<String> {
        serde_json::from_str(&self.0.changed_fields).unwrap_or_default()
    }
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Cluster, Member, Partnership, SuccessStory, User, Invitation, ApiKey.
    pub entity_type: Option<String>,
    pub entity_id: Option<ID>,
    /// CREATE, UPDATE, DELETE, PUBLISH, GRANT_ROLE, …
    pub action: Option<String>,
    /// A user's ID.
    pub actor_id: Option<ID>,
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// You, as your credentials say; null when you are not signed in.
    async fn me(&self, ctx: &Context<'_>) -> Option<Me> {
        caller(ctx).principal().cloned().map(Me)
    }

    /// An account by e-mail address, for administrators and partners who grant roles.
    async fn user_by_email(&self, ctx: &Context<'_>, email: String) -> AppResult<Option<User>> {
        let actor = policy::signed_in(caller(ctx))?;
        if !(actor.is_admin() || actor.role == crate::auth::Role::Partner) {
            return Err(AppError::Forbidden("you may not look up accounts".into()));
        }
        Ok(account::find_user_by_email(db(ctx), &email).await?.map(User))
    }

    /// The API keys of a partner organisation, newest first.
    async fn api_keys(&self, ctx: &Context<'_>, partner_organisation_id: ID) -> AppResult<Vec<ApiKey>> {
        let actor = policy::signed_in(caller(ctx))?;
        let org = node::decode("partnerOrganisationId", &partner_organisation_id, PARTNER_ORGANISATION)?;
        Ok(keys::list(db(ctx), actor, org).await?.into_iter().map(ApiKey).collect())
    }

    /// Changes to the directory, newest first: all of them for administrators, those of their
    /// countries for partners.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<AuditEntryConnection> {
        let actor = policy::signed_in(caller(ctx))?;
        let scope = policy::audit_scope(actor)?;
        let window = PageRequest {
            first,
            after,
            last,
            before,
        }
        .window()?;
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            entity_type: filter.entity_type,
            entity_id: filter
                .entity_id
                .map(|id| node::decode_any("filter.entityId", &id).map(|(_, id)| id))
                .transpose()?,
            action: filter.action,
            actor_id: filter
                .actor_id
                .map(|id| node::decode("filter.actorId", &id, TYPE_NAME))
                .transpose()?,
        };
        let page = audit::list(db(ctx), &scope, &filter, &window).await?;
        let total = if ctx.look_ahead().field("totalCount").exists() {
            audit::count(db(ctx), &scope, &filter).await?
        } else {
            0
        };
        Ok(AuditEntryConnection::new(page.map(AuditEntry), total))
    }
}

#[derive(InputObject)]
pub struct RegisterInput {
    pub email: String,
    pub display_name: String,
    /// 12–128 characters.
    pub password: String,
}

#[derive(SimpleObject)]
pub struct RegisterPayload {
    pub user: User,
}

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

/// A new session: send `accessToken` as `Authorization: Bearer`, and trade `refreshToken` for a
/// new pair before the access token expires.
#[derive(SimpleObject)]
pub struct LoginPayload {
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single use: each refresh returns a new one.
    pub refresh_token: String,
    pub user: User,
}

impl From<account::Session> for LoginPayload {
    fn from(s: account::Session) -> Self {
        Self {
            access_token: s.access_token,
            token_type: "Bearer".into(),
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
            user: User(s.user),
        }
    }
}

#[derive(InputObject)]
pub struct RefreshTokenInput {
    pub refresh_token: String,
}

#[derive(InputObject)]
pub struct LogoutInput {
    pub refresh_token: String,
}

#[derive(SimpleObject)]
pub struct LogoutPayload {
    pub signed_out: bool,
}

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(SimpleObject)]
pub struct ChangePasswordPayload {
    /// Every refresh token of the account has been revoked: sign in again on other devices.
    pub signed_out_elsewhere: bool,
}

#[derive(InputObject)]
pub struct GrantRoleInput {
    pub user_id: ID,
    pub role: Role,
    /// For PARTNER: the partner organisation the user acts for.
    pub partner_organisation_id: Option<ID>,
    /// For CLUSTER_MANAGER: the cluster the user manages.
    pub cluster_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct GrantRolePayload {
    /// The new role applies from the user's next sign-in or token refresh.
    pub user: User,
}

#[derive(InputObject)]
pub struct InviteClusterManagerInput {
    pub cluster_id: ID,
    pub email: String,
}

#[derive(SimpleObject)]
pub struct InviteClusterManagerPayload {
    pub invitation: Invitation,
    /// Shown once: pass it to the colleague, who accepts it with `acceptInvitation`.
    pub token: String,
}

#[derive(InputObject)]
pub struct AcceptInvitationInput {
    pub token: String,
}

#[derive(SimpleObject)]
pub struct AcceptInvitationPayload {
    /// The cluster you now manage; refresh your token to act on it.
    pub cluster: Cluster,
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

fn grant_of(input: &GrantRoleInput) -> AppResult<Grant> {
    let need = |field: &str, id: &Option<ID>, type_name: &str| -> AppResult<Uuid> {
        let id = id
            .as_ref()
            .ok_or_else(|| AppError::bad_field(field, format!("required for {:?}", input.role)))?;
        node::decode(field, id, type_name)
    };
    match input.role {
        Role::Admin => Ok(Grant::Admin),
        Role::Partner => Ok(Grant::Partner(need(
            "partnerOrganisationId",
            &input.partner_organisation_id,
            PARTNER_ORGANISATION,
        )?)),
        Role::ClusterManager => Ok(Grant::ClusterManager(need("clusterId", &input.cluster_id, CLUSTER)?)),
        Role::User => Err(AppError::bad_field("role", "every account is a USER already")),
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account with the USER role.
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> AppResult<RegisterPayload> {
        let user = account::register(db(ctx), &input.email, &input.display_name, &input.password).await?;
        Ok(RegisterPayload { user: User(user) })
    }

    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> AppResult<LoginPayload> {
        Ok(account::login(db(ctx), tokens(ctx), &input.email, &input.password)
            .await?
            .into())
    }

    /// Trades a refresh token for a new access token and refresh token; the old one stops working.
    async fn refresh_token(&self, ctx: &Context<'_>, input: RefreshTokenInput) -> AppResult<LoginPayload> {
        Ok(account::refresh(db(ctx), tokens(ctx), &input.refresh_token)
            .await?
            .into())
    }

    /// Ends the session the refresh token belongs to.
    async fn logout(&self, ctx: &Context<'_>, input: LogoutInput) -> AppResult<LogoutPayload> {
        account::logout(db(ctx), &input.refresh_token).await?;
        Ok(LogoutPayload { signed_out: true })
    }

    async fn change_password(&self, ctx: &Context<'_>, input: ChangePasswordInput) -> AppResult<ChangePasswordPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        account::change_password(db(ctx), actor, &input.current_password, &input.new_password).await?;
        Ok(ChangePasswordPayload {
            signed_out_elsewhere: true,
        })
    }

    /// Administrators grant ADMIN and PARTNER; partners and administrators appoint cluster managers.
    async fn grant_role(&self, ctx: &Context<'_>, input: GrantRoleInput) -> AppResult<GrantRolePayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let user_id = node::decode("userId", &input.user_id, TYPE_NAME)?;
        let user = account::grant(db(ctx), actor, user_id, grant_of(&input)?).await?;
        Ok(GrantRolePayload { user: User(user) })
    }

    async fn revoke_role(&self, ctx: &Context<'_>, input: GrantRoleInput) -> AppResult<GrantRolePayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let user_id = node::decode("userId", &input.user_id, TYPE_NAME)?;
        let user = account::revoke(db(ctx), actor, user_id, grant_of(&input)?).await?;
        Ok(GrantRolePayload { user: User(user) })
    }

    /// Invites a colleague, by e-mail address, to manage a cluster with you.
    async fn invite_cluster_manager(
        &self,
        ctx: &Context<'_>,
        input: InviteClusterManagerInput,
    ) -> AppResult<InviteClusterManagerPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let (invitation, token) = account::invite(db(ctx), actor, cluster_id, &input.email).await?;
        Ok(InviteClusterManagerPayload {
            invitation: Invitation(invitation),
            token,
        })
    }

    /// Accepts an invitation sent to your e-mail address.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        input: AcceptInvitationInput,
    ) -> AppResult<AcceptInvitationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster = account::accept_invitation(db(ctx), actor, &input.token).await?;
        Ok(AcceptInvitationPayload {
            cluster: Cluster(cluster),
        })
    }

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
