-- The samples of the guide's customers story, run by GettingStartedIT and ConceptsIT.

-- The tutorial's version 1 schema (docker/init.sql), with its five seed rows:
-- tag::schema[]
CREATE TABLE customers (
    id         SERIAL PRIMARY KEY,
    name       varchar(255) NOT NULL,
    email      varchar(255) NOT NULL UNIQUE,
    address    text,
    created_at timestamp DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO customers (name, email, address) VALUES
    ('John Doe', 'john@example.com', '123 Main St, New York, NY, 10001'),
    ('Jane Smith', 'jane@example.com', '456 Oak Ave, Los Angeles, CA, 90001'),
    ('Bob Johnson', 'bob@example.com', '789 Pine Rd, Chicago, IL, 60601'),
    ('Alice Williams', 'alice@example.com', '321 Elm St, Houston, TX, 77001'),
    ('Charlie Brown', 'charlie@example.com', '654 Maple Dr, Phoenix, AZ, 85001');
-- end::schema[]

-- tag::v1-writes[]
-- version 1 knows only the address column
INSERT INTO customers (name, email, address)
VALUES ('Ada Lovelace', 'ada@example.com', '12 Analytical Way, Boston, MA, 02101');
-- end::v1-writes[]

-- tag::v2-reads[]
-- version 2 reads only the new columns
SELECT name, street_address, city, state, zip_code
FROM customers WHERE email = 'ada@example.com';
-- end::v2-reads[]

-- tag::v2-writes[]
-- version 2 writes only the new columns
INSERT INTO customers (name, email, street_address, city, state, zip_code)
VALUES ('Grace Hopper', 'grace@example.com', '1 Navy Yard', 'Arlington', 'VA', '22202');
UPDATE customers SET city = 'Brooklyn' WHERE email = 'john@example.com';
-- end::v2-writes[]

-- tag::v1-reads[]
-- version 1 reads only the address column
SELECT name, address
FROM customers WHERE email IN ('grace@example.com', 'john@example.com') ORDER BY name;
-- end::v1-reads[]

-- tag::after-rollback[]
SELECT column_name FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'customers' ORDER BY ordinal_position;
SELECT name, address FROM customers WHERE email = 'ada@example.com';
-- end::after-rollback[]
