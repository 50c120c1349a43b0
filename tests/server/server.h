/* SPDX-License-Identifier: MIT */
/* Starting the HTTP server (HTTPS when given a PEM certificate and key) and asking which port
 * it got. */
#ifndef LLMC_EMULATOR_SERVER_H
#define LLMC_EMULATOR_SERVER_H

struct MHD_Daemon;
struct MHD_Daemon *server_start(unsigned short port, unsigned threads, const char *tls_cert_pem,
                                const char *tls_key_pem);
unsigned short server_port(struct MHD_Daemon *d);

#endif
