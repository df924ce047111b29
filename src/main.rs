//! `newsdesk`: the command line. Parses, configures logging and hands over to the library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use newsdesk::commands;
use newsdesk::config::Config;

#[derive(Parser)]
#[command(version, about = "A server-rendered news and live-blog website")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, import the content directory and serve HTTP (the default).
    Serve,
    /// Import or re-import Markdown content; running it twice changes nothing.
    Import {
        /// Directory to import [default: the --content directory].
        dir: Option<PathBuf>,
    },
    /// Write a consistent copy of the database to PATH, and of the media
    /// directory to PATH.media, while the site serves.
    Backup {
        /// Where to write the copy; it must not exist yet.
        path: PathBuf,
    },
    /// Manage editor accounts.
    #[command(subcommand)]
    Editor(EditorCommand),
}

#[derive(Subcommand)]
enum EditorCommand {
    /// Create an editor account. The password is read from standard input
    /// (one line) when it is not a terminal, else asked for twice, hidden.
    Add {
        /// The editor's username (lowercase letters, digits, . _ -), for signing in only.
        name: String,
        /// The name readers see on the editor's updates, e.g. "Sarah Holt"
        /// [default: the publication's name, until the editor sets theirs at
        /// /admin/account]. Never the username, which readers must not see.
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "newsdesk=info,actix_web=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => commands::serve(cli.config).await,
        Command::Import { dir } => {
            let dir = dir.unwrap_or_else(|| cli.config.content.clone());
            commands::import(&cli.config, &dir).await
        }
        Command::Backup { path } => commands::backup(&cli.config, &path).await,
        Command::Editor(EditorCommand::Add { name, display_name }) => {
            commands::add_editor(&cli.config, &name, display_name.as_deref()).await
        }
    }
}
