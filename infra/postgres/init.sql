-- One database per service. The tasks migrations create the non-superuser role its queries run as.
CREATE DATABASE tessera_tasks OWNER tessera;
