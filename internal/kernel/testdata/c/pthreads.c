/* pthreads: a mutex-protected counter, a bounded queue with two
 * condition variables between producers and consumers, and join. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 6
#define ITEMS 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static long counter;
static int queue[16], head, tail, count;
static long consumed_sum;

static void *adder(void *arg) {
	for (int i = 0; i < 100000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return arg;
}

static void *producer(void *arg) {
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&mu);
		while (count == 16) pthread_cond_wait(&notfull, &mu);
		queue[tail] = i; tail = (tail + 1) % 16; count++;
		pthread_cond_signal(&notempty);
		pthread_mutex_unlock(&mu);
	}
	return arg;
}

static void *consumer(void *arg) {
	long sum = 0;
	for (int i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&mu);
		while (count == 0) pthread_cond_wait(&notempty, &mu);
		sum += queue[head]; head = (head + 1) % 16; count--;
		pthread_cond_signal(&notfull);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	consumed_sum += sum;
	pthread_mutex_unlock(&mu);
	return arg;
}

int main(void) {
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, adder, NULL);
	for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
	printf("counter: %ld\n", counter);
	pthread_t p[2], c[2];
	for (int i = 0; i < 2; i++) {
		pthread_create(&p[i], NULL, producer, NULL);
		pthread_create(&c[i], NULL, consumer, NULL);
	}
	for (int i = 0; i < 2; i++) { pthread_join(p[i], NULL); pthread_join(c[i], NULL); }
	printf("consumed: %ld (want %ld)\n", consumed_sum, 2L * ITEMS * (ITEMS + 1) / 2);
	return 0;
}
