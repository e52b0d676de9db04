-- Failed logins are counted per (username, client address) instead of per username and per
-- address in fixed windows: a guesser is slowed down, the account is not locked (issue 11,
-- security 1). The row with username '*' counts an address's failures over all names. Counts
-- are short-lived (forgotten after registry.auth.login-failures.forget-after), so none is kept.
DROP TABLE login_failure;
CREATE TABLE login_failure (
    username        VARCHAR(255) NOT NULL,
    client_address  VARCHAR(255) NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (username, client_address)
);
