/* Starting the HTTP server and asking which port it got. */
#ifndef LLMC_EMULATOR_SERVER_H
#define LLMC_EMULATOR_SERVER_H

struct MHD_Daemon;
struct MHD_Daemon *server_start(unsigned short port, unsigned threads);
unsigned short server_port(struct MHD_Daemon *d);

#endif
