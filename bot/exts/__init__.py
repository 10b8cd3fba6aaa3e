"""Discord features, one extension each, loaded by the bot in setup_hook."""
