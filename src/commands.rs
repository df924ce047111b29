//! The `newsdesk` commands, each called by `main` after parsing.

use std::io::{BufRead, IsTerminal};
use std::net::{TcpListener, ToSocketAddrs};
use std::path::Path;

use anyhow::{Context, bail};
use tokio::net::TcpSocket;

use crate::config::Config;
use crate::domain::{DisplayName, TokenPurpose};
use crate::{Newsroom, auth, db, http_server, import, media, tokens};

/// `newsdesk serve`: migrate, import `content/`, serve until SIGINT/SIGTERM.
/// actix-web then stops accepting and lets in-flight requests finish; every
/// acknowledged write was committed before its response, so none is lost.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let room = Newsroom::open(&config).await?;
    if config.content.is_dir() {
        let report = import::import_dir(
            &room.db,
            &room.media,
            &config.content,
            &room.site_url,
            false,
            room.clock.now(),
        )
        .await?;
        room.after_commit.skip_backlog().await?;
        tracing::info!("imported {}: {report}", config.content.display());
    }
    let listener = bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    println!(
        "newsdesk is serving {} on http://{}",
        room.site_url,
        listener.local_addr()?
    );
    tracing::info!("at most {}", room.streams);
    offer_setup_link(&room).await?;
    let server = http_server(room.clone(), listener)?;
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        // Live streams never finish by themselves; end them so the graceful
        // stop waits only for real requests. Pages reconnect elsewhere or later.
        room.live.close_all();
        handle.stop(true).await;
    });
    server.await.context("running HTTP server")
}

/// Accept queue length: the OS default (128) drops connections when every open
/// page reconnects at once after a restart; 4096 is Linux's usual ceiling.
const ACCEPT_BACKLOG: u32 = 4096;

/// Binds the HTTP listener with a long accept queue.
fn bind(address: &str) -> anyhow::Result<TcpListener> {
    let address = address
        .to_socket_addrs()?
        .next()
        .context("the address resolves to nothing")?;
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    Ok(socket.listen(ACCEPT_BACKLOG)?.into_std()?)
}

/// Resolves on SIGINT (Ctrl+C) or SIGTERM.
async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

/// With no editor account yet, prints a link to create the first one, good
/// once and for a day ([`TokenPurpose::lifetime`]); each start prints a new
/// one and the older stops working. There is no default password anywhere.
async fn offer_setup_link(room: &Newsroom) -> anyhow::Result<()> {
    let mut tx = db::write_tx(&room.db).await?;
    if db::editors::count(&mut tx).await? > 0 {
        return Ok(());
    }
    let link = tokens::replace(&mut tx, TokenPurpose::Setup, room.clock.now()).await?;
    tx.commit().await?;
    println!("No editor account exists yet. Create the first one, once, at:");
    println!("    {}/admin/setup/{}", room.site_url, link.token);
    println!(
        "The link works until {} UTC; restart the server for a new one.",
        link.expires_at.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}

/// `newsdesk import [DIR]`: import and report what changed.
pub async fn import(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let db = db::connect(&config.database).await?;
    let media = media::MediaLibrary::open(&config.media, media::Limits::default())?;
    let show_progress = std::io::stderr().is_terminal();
    // A server running on the same database tells its readers within a second.
    let report = import::import_dir(
        &db,
        &media,
        dir,
        &config.site_url(),
        show_progress,
        chrono::Utc::now(),
    )
    .await?;
    println!("{}: {report}", dir.display());
    Ok(())
}

/// `newsdesk backup PATH`: a consistent copy of the database, taken while
/// the site serves and writes, and of the media directory beside it
/// (`PATH.media/`). SQLite's `VACUUM INTO` reads one snapshot (WAL readers
/// never block the writer) and writes a compact, self-contained database
/// file. The media files are copied after it, so every file the snapshot
/// names is there (files are written before their rows and never removed);
/// files of uploads since are there too, harmlessly. Restoring is stopping
/// the server, putting the file in the database's place and the media
/// files into the media directory.
pub async fn backup(config: &Config, path: &Path) -> anyhow::Result<()> {
    let media_copy = media_backup_path(path);
    for target in [path, media_copy.as_path()] {
        if target.exists() {
            bail!("{} already exists; choose a new file", target.display());
        }
    }
    let pool = db::connect(&config.database).await?;
    db::backup_into(&pool, path)
        .await
        .with_context(|| format!("writing the backup to {}", path.display()))?;
    println!("Backed up {} to {}", config.database, path.display());
    let (from, to) = (config.media.clone(), media_copy.clone());
    let copied = tokio::task::spawn_blocking(move || media::backup::copy_dir(&from, &to))
        .await?
        .with_context(|| {
            format!(
                "copying {} to {}",
                config.media.display(),
                media_copy.display()
            )
        })?;
    println!(
        "Backed up {} to {} ({} files linked, {} copied)",
        config.media.display(),
        media_copy.display(),
        copied.linked,
        copied.copied
    );
    Ok(())
}

/// Where `newsdesk backup PATH` puts the media files: `PATH.media`.
pub fn media_backup_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".media");
    name.into()
}

/// `newsdesk editor add NAME [--display-name TEXT]`: the password comes from
/// standard input (one line) when it is not a terminal, or is asked for twice,
/// hidden, when it is. Without a display name the editor's updates are signed
/// with the publication's name until they set theirs at the desk: never with
/// the username, and never blocking a first publish on a busy day.
pub async fn add_editor(
    config: &Config,
    username: &str,
    display_name: Option<&str>,
) -> anyhow::Result<()> {
    auth::check_username(username).map_err(|m| anyhow::anyhow!("username “{username}”: {m}"))?;
    let display_name = display_name
        .map(|name| DisplayName::parse(name, username))
        .transpose()
        .map_err(|m| anyhow::anyhow!("display name: {m}"))?;
    let password = read_password()?;
    auth::check_new_password(&password).map_err(|m| anyhow::anyhow!("password: {m}"))?;
    let hash = auth::hash_password(&password)?;
    let room = Newsroom::open(config).await?;
    let now = room.clock.now();
    let mut tx = db::write_tx(&room.db).await?;
    let Some(id) = db::editors::insert(&mut tx, username, &hash, now).await? else {
        bail!("an editor called “{username}” already exists");
    };
    if let Some(name) = &display_name {
        db::editors::set_display_name(&mut tx, id, name).await?;
    }
    db::audit::record(&mut tx, None, "created editor", username, now).await?;
    tx.commit().await?;
    let signed = display_name
        .as_ref()
        .map_or(&*room.site.name, DisplayName::as_str);
    println!(
        "Editor “{username}” created (id {id}); readers see their updates signed “{signed}”. \
         Sign in at {}/admin/login",
        room.site_url
    );
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            bail!("the two passwords differ; nothing was created");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
