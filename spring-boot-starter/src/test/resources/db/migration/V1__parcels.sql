CREATE TABLE parcels (id bigint PRIMARY KEY, weight_grams integer);
INSERT INTO parcels SELECT g, g * 10 FROM generate_series(1, 100) g;
