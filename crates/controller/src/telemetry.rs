//! Logging: `tracing-subscriber` in text or JSON (`--logformat`), at `--loglevel` (`RUST_LOG`, when set,
//! overrides it with a full filter).

use tracing_subscriber::EnvFilter;

use crate::args::LogFormat;
use crate::error::{Error, Result};

/// The tracing level of an Argo `--loglevel` (debug|info|warn|error; `warning` and `trace` accepted).
pub fn level(loglevel: &str) -> Result<&'static str> {
    match loglevel.to_ascii_lowercase().as_str() {
        "trace" => Ok("trace"),
        "debug" => Ok("debug"),
        "info" => Ok("info"),
        "warn" | "warning" => Ok("warn"),
        "error" | "fatal" | "panic" => Ok("error"),
        other => Err(Error::Invalid {
            field: "--loglevel",
            message: format!("{other:?} is not one of debug|info|warn|error"),
        }),
    }
}

/// Installs the global subscriber (writing to stderr).
///
/// # Errors
/// An unknown level, or a subscriber already installed.
pub fn init(loglevel: &str, format: LogFormat) -> Result<()> {
    let level = level(loglevel)?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{level},hyper=warn,tower=warn,kube_client=warn,kube_runtime=warn"
        ))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    installed.map_err(|e| Error::Invalid {
        field: "logging",
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argo_levels_map_to_tracing_levels() {
        assert_eq!(level("info").unwrap(), "info");
        assert_eq!(level("WARNING").unwrap(), "warn");
        assert_eq!(level("error").unwrap(), "error");
        assert!(level("loud").unwrap_err().to_string().contains("--loglevel"));
    }
}
