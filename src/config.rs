//! Settings from the environment, with defaults that run out of the box.

use std::net::SocketAddr;

use clap::Args;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/eccp.db?mode=rwc";
/// Only for local development; production refuses to start with it.
pub const DEVELOPMENT_JWT_SECRET: &str = "clusterbridge-development-secret-change-me";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database to use: an SQLite file (created on first start) or a PostgreSQL URL.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Address the HTTP server listens on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: SocketAddr,
    /// Secret for HS256 access tokens.
    #[arg(long, env = "JWT_SECRET", default_value = DEVELOPMENT_JWT_SECRET, hide_env_values = true)]
    pub jwt_secret: String,
    /// `production` refuses the development JWT secret and never loads demo data by itself.
    #[arg(long, env = "CLUSTERBRIDGE_ENV", value_enum, default_value = "development")]
    pub environment: Environment,
    /// Maximum connections in the database pool.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,
}

impl Settings {
    pub fn validate(&self) -> Result<(), String> {
        if self.environment == Environment::Production && self.jwt_secret == DEVELOPMENT_JWT_SECRET {
            return Err("JWT_SECRET must be set in production".into());
        }
        if self.jwt_secret.len() < 32 {
            return Err("JWT_SECRET must be at least 32 bytes".into());
        }
        Ok(())
    }
}
