-- What SQLAlchemy 2.0 prints for metadata.create_all with a mock PostgreSQL engine.
CREATE TYPE userrole AS ENUM ('admin', 'member');

CREATE TABLE users (
	id SERIAL NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	role userrole DEFAULT 'member' NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (email)
)

;

CREATE INDEX ix_users_created_at ON users (created_at);

CREATE TABLE posts (
	id BIGSERIAL NOT NULL, 
	author_id INTEGER NOT NULL, 
	title VARCHAR(200) NOT NULL, 
	body TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(author_id) REFERENCES users (id) ON DELETE CASCADE
)

;
