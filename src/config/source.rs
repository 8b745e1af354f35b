//! Where settings come from: a command-line flag wins over the environment, the environment over
//! the TOML file named by `--config` / `CLUSTERBRIDGE_CONFIG`, the file over the default; a
//! `*_FILE` setting gives a secret the content of a file instead.

use std::{collections::BTreeMap, ffi::OsString, path::PathBuf};

use clap::{parser::ValueSource, Arg, ArgMatches, Command};

use super::SettingsError;

/// The id of the setting that names the TOML file.
pub const CONFIG: &str = "config";

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Environment,
    File,
    /// Read from the file its `*_FILE` setting names.
    SecretFile,
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Origin::Flag => "flag",
            Origin::Environment => "environment",
            Origin::File => "config file",
            Origin::SecretFile => "secret file",
            Origin::Default => "default",
        })
    }
}

/// The command line with the file's values and the secrets' contents added, and every problem
/// found on the way (all of them, not the first).
pub struct Loaded {
    pub matches: ArgMatches,
    /// By environment name, for every setting that has a value.
    pub origins: BTreeMap<String, Origin>,
    pub problems: Vec<SettingsError>,
}

/// The settings `command` knows: its arguments read from the environment, but for `--config`.
pub fn settings_of(command: &Command) -> Vec<&Arg> {
    command
        .get_arguments()
        .filter(|a| a.get_env().is_some() && a.get_long().is_some() && a.get_id() != CONFIG)
        .collect()
}

/// A setting's environment name.
pub fn env_name(arg: &Arg) -> String {
    arg.get_env()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The key of a setting in the TOML file: its environment name in lower case.
pub fn file_key(arg: &Arg) -> String {
    env_name(arg).to_ascii_lowercase()
}

/// Parses `args` the way `command` would, with the TOML file and the `*_FILE` secrets filled in
/// under the flags and the environment. Errors only where clap itself stops (help, a bad flag).
pub fn load(command: &Command, args: Vec<OsString>) -> Result<Loaded, clap::Error> {
    let first = command.clone().try_get_matches_from(&args)?;
    let settings = settings_of(command);
    let mut problems = Vec::new();
    // (value, origin) of every setting given somewhere other than its default.
    let mut given: BTreeMap<String, (String, Origin)> = BTreeMap::new();
    for arg in &settings {
        let origin = match first.value_source(arg.get_id().as_str()) {
            Some(ValueSource::CommandLine) => Origin::Flag,
            Some(ValueSource::EnvVariable) => Origin::Environment,
            _ => continue,
        };
        if let Some(raw) = first.get_raw(arg.get_id().as_str()) {
            let value = raw.map(|v| v.to_string_lossy()).collect::<Vec<_>>().join(",");
            given.insert(env_name(arg), (value, origin));
        }
    }
    if let Some(path) = config_path(&first) {
        for (arg, value) in read_file(&path, &settings, &mut problems) {
            given.entry(env_name(arg)).or_insert((value, Origin::File));
        }
    }
    for arg in &settings {
        let name = env_name(arg);
        let Some(secret) = name.strip_suffix("_FILE") else {
            continue;
        };
        if !settings.iter().any(|a| env_name(a) == secret) {
            continue;
        }
        let Some((path, _)) = given.get(&name).cloned() else {
            continue;
        };
        if given.contains_key(secret) {
            problems.push(SettingsError::BothSet(secret.to_owned()));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(content) => {
                let content = content.trim_end_matches(['\r', '\n']).to_owned();
                given.insert(secret.to_owned(), (content, Origin::SecretFile));
            }
            Err(source) => problems.push(SettingsError::SecretFile {
                name: name.clone(),
                path: PathBuf::from(path),
                source,
            }),
        }
    }
    let mut added = args.clone();
    let at = added.len().min(1);
    let extra = settings.iter().filter_map(|arg| {
        let (value, origin) = given.get(&env_name(arg))?;
        matches!(origin, Origin::File | Origin::SecretFile)
            .then(|| OsString::from(format!("--{}={value}", arg.get_long().unwrap_or_default())))
    });
    added.splice(at..at, extra);
    let matches = command.clone().try_get_matches_from(added)?;
    let origins = given.into_iter().map(|(name, (_, origin))| (name, origin)).collect();
    Ok(Loaded {
        matches,
        origins,
        problems,
    })
}

/// One line per setting, `NAME = value (origin)`, secrets masked, for `config check`.
pub fn summary(command: &Command, loaded: &Loaded) -> Vec<String> {
    settings_of(command)
        .into_iter()
        .map(|arg| {
            let name = env_name(arg);
            let value = loaded
                .matches
                .get_raw(arg.get_id().as_str())
                .map(|raw| raw.map(|v| v.to_string_lossy()).collect::<Vec<_>>().join(","));
            let origin = loaded.origins.get(&name).copied().unwrap_or(Origin::Default);
            match value {
                None => format!("{name} (unset)"),
                Some(_) if arg.is_hide_env_values_set() => format!("{name} = ******** ({origin})"),
                Some(value) if value.is_empty() => format!("{name} = \"\" ({origin})"),
                Some(value) => format!("{name} = {} ({origin})", without_password(&value)),
            }
        })
        .collect()
}

/// A URL's password masked (DATABASE_URL may carry one).
fn without_password(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("********"));
            url.to_string()
        }
        _ => value.to_owned(),
    }
}

/// `--config` wherever on the command line it stands (it is global), or CLUSTERBRIDGE_CONFIG.
fn config_path(matches: &ArgMatches) -> Option<PathBuf> {
    let mut at = matches;
    loop {
        if let Ok(Some(path)) = at.try_get_one::<PathBuf>(CONFIG) {
            return Some(path.clone());
        }
        at = at.subcommand()?.1;
    }
}

/// The file's settings that are well-formed; every other key is a problem.
fn read_file<'a>(path: &PathBuf, settings: &[&'a Arg], problems: &mut Vec<SettingsError>) -> Vec<(&'a Arg, String)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(source) => {
            problems.push(SettingsError::ConfigFile {
                path: path.clone(),
                source,
            });
            return Vec::new();
        }
    };
    let table = match text.parse::<toml::Table>() {
        Ok(table) => table,
        Err(err) => {
            problems.push(SettingsError::ConfigSyntax {
                path: path.clone(),
                message: err.message().to_owned(),
            });
            return Vec::new();
        }
    };
    let mut values = Vec::new();
    for (key, value) in table {
        let Some(arg) = settings.iter().copied().find(|a| file_key(a) == key) else {
            problems.push(SettingsError::UnknownKey {
                suggestion: suggestion(&key, settings),
                key,
            });
            continue;
        };
        let Some(text) = plain(&value) else {
            problems.push(SettingsError::FileValue {
                name: env_name(arg),
                message: "must be a string, a number, a boolean or a list of them".into(),
            });
            continue;
        };
        // The setting's own parser, so a bad value is named now rather than by clap, one at a time.
        let alone = Command::new("check")
            .no_binary_name(true)
            .arg((*arg).clone().global(false));
        match alone.try_get_matches_from([format!("--{}={text}", arg.get_long().unwrap_or_default())]) {
            Ok(_) => values.push((arg, text)),
            Err(err) => problems.push(SettingsError::FileValue {
                name: env_name(arg),
                message: clap_message(&err),
            }),
        }
    }
    values
}

/// A TOML value as the text the environment would hold; lists join with commas.
fn plain(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(n) => Some(n.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::Array(_) | toml::Value::Table(_) => None,
                other => plain(other),
            })
            .collect::<Option<Vec<_>>>()
            .map(|items| items.join(",")),
        toml::Value::Datetime(_) | toml::Value::Table(_) => None,
    }
}

/// clap's first line, without its `error: ` and the usage it appends.
fn clap_message(err: &clap::Error) -> String {
    let text = err.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}

/// The known key nearest to a misspelt one, if any is near.
fn suggestion(key: &str, settings: &[&Arg]) -> Option<String> {
    settings
        .iter()
        .map(|a| file_key(a))
        .map(|known| (strsim::jaro_winkler(key, &known), known))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_key_gets_the_nearest_known_one() {
        let command = Command::new("t").arg(Arg::new("database_url").long("database-url").env("DATABASE_URL"));
        let settings = settings_of(&command);
        assert_eq!(suggestion("databse_url", &settings).as_deref(), Some("database_url"));
        assert_eq!(suggestion("colour", &settings), None);
    }

    #[test]
    fn lists_join_with_commas_and_tables_are_refused() {
        let table: toml::Table = "a = [\"x\", \"y\"]\nb = 3\nc = { d = 1 }".parse().unwrap();
        assert_eq!(plain(&table["a"]).as_deref(), Some("x,y"));
        assert_eq!(plain(&table["b"]).as_deref(), Some("3"));
        assert_eq!(plain(&table["c"]), None);
    }
}
