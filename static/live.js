// filled by the live-coverage work
