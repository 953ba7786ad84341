"""The project's error base. The CLI and the bot turn any of these into one sentence.

NewsradarError
 ├── ConfigError       an environment variable or option that cannot be used
 └── ScheduleError     schedule.yaml is wrong (names the line)
Library layers keep their own bases (storage.StorageError, rules.RuleError,
scrapers' SourceError/WarcError/CrawlError); the CLI catches those too.
"""


class NewsradarError(Exception):
    pass


class ConfigError(NewsradarError):
    pass


class ScheduleError(NewsradarError):
    pass
